import Avro
import Foundation
import Iceberg
import IcebergRESTServer
import IcebergSpec
import JSONSupport
import Parquet
import Puffin
import ThriftCompact

/// The readers fuzzed, by the name `ICEBERG_FUZZ_TARGET` selects. Each takes any bytes and
/// must return or throw: a crash, a hang, a sanitizer report or an allocation beyond
/// libFuzzer's `-rss_limit_mb` is a finding.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "thrift": thrift, "parquet": parquet, "avro": avro, "manifest": manifest, "metadata": metadata,
        "puffin": puffin, "filter": filter, "rest": rest,
    ]

    /// A Parquet footer (`FileMetaData`) decoded from the compact protocol.
    static func thrift(_ bytes: [UInt8]) {
        var reader = CompactReader(bytes: bytes)
        _ = try? FileMetaData(from: &reader)
    }

    /// A whole Parquet file: footer, every column of every row group with and without a row
    /// selection, the page indexes and bloom filters.
    static func parquet(_ bytes: [UInt8]) {
        guard let reader = try? ParquetReader(input: MemoryInput(bytes)) else { return }
        let groups = min(reader.footer.metadata.rowGroups.count, 8)
        for g in 0..<groups {
            let rows = Int(reader.footer.metadata.rowGroups[g].numRows)
            for c in 0..<min(reader.footer.schema.columns.count, 16) {
                _ = try? reader.readColumn(rowGroup: g, column: c)
                if rows > 2 {
                    _ = try? reader.readColumn(
                        rowGroup: g, column: c, rows: RowSelection([1..<min(rows, 3), (rows - 1)..<rows]))
                }
                _ = try? reader.columnIndex(rowGroup: g, column: c)
                _ = try? reader.offsetIndex(rowGroup: g, column: c)
                _ = try? reader.bloomFilterMightContain(rowGroup: g, column: c, hashes: [0, 42])
            }
        }
    }

    /// An Avro object container file, every record decoded.
    static func avro(_ bytes: [UInt8]) {
        guard let reader = try? AvroFileReader(bytes: bytes) else { return }
        _ = try? reader.records()
    }

    /// A manifest list, and the same bytes as a manifest.
    static func manifest(_ bytes: [UInt8]) {
        _ = try? ManifestCodec.readManifestList(bytes)
        if let schema = try? Schema(fields: [.optional(1, "id", .long), .optional(2, "s", .string)]) {
            _ = try? ManifestCodec.readManifest(bytes, manifest: nil, schema: schema, spec: nil)
        }
    }

    /// Table metadata JSON, written back and read again when it parses.
    static func metadata(_ bytes: [UInt8]) {
        guard let parsed = try? TableMetadata(jsonText: String(decoding: bytes, as: UTF8.self)) else { return }
        guard let again = try? TableMetadata(jsonText: parsed.json.serialized()) else {
            fatalError("metadata that parsed does not parse after it was written")
        }
        if again.json.serialized() != parsed.json.serialized() {
            fatalError("metadata does not round-trip")
        }
    }

    /// A Puffin file: its footer, and every blob of it as a deletion vector.
    static func puffin(_ bytes: [UInt8]) {
        _ = try? DeletionVector.positions(blob: bytes)
        guard bytes.count >= PuffinFooter.trailerLength,
            let length = try? PuffinFooter.footerLength(trailer: Array(bytes.suffix(PuffinFooter.trailerLength))),
            length <= bytes.count,
            let footer = try? PuffinFooter(footer: Array(bytes.suffix(length)), fileLength: bytes.count)
        else { return }
        for blob in footer.blobs.prefix(8) {
            guard blob.offset >= 0, blob.length >= 0, blob.offset <= Int64(bytes.count) - blob.length else { continue }
            let start = Int(blob.offset)
            _ = try? DeletionVector.positions(blob: Array(bytes[start..<(start + Int(blob.length))]))
        }
    }

    /// A row filter as `iceberg scan --filter` takes it.
    static func filter(_ bytes: [UInt8]) {
        _ = try? FilterParser.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// A REST request through the server's handlers: the first byte picks a route, the rest is
    /// the body, against a catalog holding one table (the same for every input).
    static func rest(_ bytes: [UInt8]) {
        let routes: [(String, String)] = [
            ("POST", "/v1/namespaces"), ("POST", "/v1/namespaces/ns/tables"), ("POST", "/v1/namespaces/ns/tables/t"),
            ("POST", "/v1/transactions/commit"), ("POST", "/v1/tables/rename"), ("POST", "/v1/namespaces/ns/register"),
            ("POST", "/v1/namespaces/ns/properties"), ("POST", "/v1/oauth/tokens"),
        ]
        guard let first = bytes.first else { return }
        let (method, path) = routes[Int(first) % routes.count]
        let request = RESTServerRequest(
            method: method, path: path, headers: [("Content-Type", "application/json")], body: Array(bytes.dropFirst()))
        _ = RESTFixture.start  // made here, not on the task below: its making blocks a thread
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = await RESTFixture.service().handle(request)
            done.signal()
        }
        done.wait()
    }
}

/// The served catalog of the `rest` target. Every input starts from the same state — a
/// catalog holding namespace `ns` and table `t` as first created — so what one input changed
/// never reaches the next (inputs stay reproducible, and memory does not grow run after run).
enum RESTFixture {
    static let warehouse = FileManager.default.temporaryDirectory.appendingPathComponent("iceberg-fuzz-\(getpid())")
        .path
    /// The table every input starts from: its metadata file and metadata (written once).
    static let start: (location: String, metadata: TableMetadata) = {
        try? LocalFileIO.makeDirectories(warehouse)
        let catalog = InMemoryCatalog(
            name: "fuzz", warehouse: warehouse, io: LocalFileIO(durable: false), store: InMemoryPointerStore())
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var table: Table?
        Task {
            try! await catalog.createNamespace(Namespace(["ns"]), properties: [])
            table = try! await catalog.createTable(
                TableIdentifier(namespace: Namespace(["ns"]), name: "t"),
                TableCreation(schema: try! Schema(fields: [.optional(1, "id", .long)])))
            done.signal()
        }
        done.wait()
        return (table!.metadataLocation, table!.metadata)
    }()

    /// A service over a fresh catalog in the starting state.
    static func service() async -> RESTCatalogService {
        let store = InMemoryPointerStore()
        try! await store.createNamespace(Namespace(["ns"]), properties: [])
        try! await store.createPointer(
            TableIdentifier(namespace: Namespace(["ns"]), name: "t"), location: start.location, metadata: start.metadata
        )
        let base = InMemoryCatalog(name: "fuzz", warehouse: warehouse, io: LocalFileIO(durable: false), store: store)
        return RESTCatalogService(catalog: try! ConfinedCatalog(base, allowing: [warehouse]))
    }
}

/// The target `ICEBERG_FUZZ_TARGET` names (checked once).
let selectedTarget: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["ICEBERG_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        fatalError("set ICEBERG_FUZZ_TARGET to one of \(FuzzTargets.all.keys.sorted())")
    }
    return target
}()

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links), run with this program's arguments.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs libFuzzer on the target `ICEBERG_FUZZ_TARGET` names, with libFuzzer's options and
/// corpus folders as arguments.
@main
enum IcebergFuzz {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(
            LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                selectedTarget(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
                return 0
            })
    }
}
