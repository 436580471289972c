import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import JSONSupport
import Parquet
import TestSupport
import XCTest

/// Scans of a table on S3 (moto, with its request recorder) read a data file footer first and
/// then only the column chunks they need: a 2-of-6-column scan fetches at most 1.3 × those
/// chunks' compressed size plus the footer, and a filtered scan fewer bytes still.
final class S3RangedReadTests: XCTestCase {
    func testATwoColumnScanFetchesOnlyThoseColumnChunks() async throws {
        let dir = try makeTemporaryDirectory(self)
        let log = dir.appendingPathComponent("requests.jsonl").path
        let moto = try Moto(self, authenticated: false, recording: log)
        let s3 = try S3Client(
            region: "us-east-1", credentials: StaticCredentialsProvider(moto.credentials),
            endpoint: try AWSEndpoint(url: moto.endpoint), environment: [:])
        try await s3.createBucket("lake")
        let io = S3FileIO(s3: s3, rangedReadThreshold: 1 << 20)
        let catalog = InMemoryCatalog(name: "s3", warehouse: "s3://lake/wh", io: io, store: InMemoryPointerStore())
        try await catalog.createNamespace(Namespace(["t"]), properties: [])
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "events")
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "ts", .timestamptz), .optional(3, "category", .string),
            .optional(4, "price", .double), .optional(5, "qty", .int), .optional(6, "note", .string),
        ])
        _ = try await catalog.createTable(id, TableCreation(schema: schema))
        var table = try await catalog.loadTable(id)
        let rows = 300_000
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 29
        }
        var json: [(rowNumber: Int, row: JSONValue)] = []
        json.reserveCapacity(rows)
        var qtySum: Int64 = 0
        for i in 0..<rows {
            let qty = Int64(next() % 20 + 1)
            qtySum += qty
            json.append(
                (
                    i + 1,
                    .object([
                        ("id", .int(Int64(i))),
                        (
                            "ts",
                            .string(
                                TemporalValues.formatTimestamp(
                                    1_700_000_000_000_000 + Int64(i) * 1_000_003, unitsPerSecond: 1_000_000, utc: true))
                        ),
                        ("category", .string(["books", "games", "toys"][Int(next() % 3)])),
                        ("price", .double(Double(next() % 100_000) / 100)), ("qty", .int(qty)),
                        ("note", .string("note-\(i)-\(next())")),
                    ])
                ))
        }
        var txn = table.newTransaction()
        txn.append(jsonRows: json)
        table = try await txn.commit()
        let planned = try await table.scan().planFiles()
        XCTAssertEqual(planned.count, 1)
        let file = try XCTUnwrap(planned.first?.file)
        XCTAssertGreaterThan(file.fileSizeInBytes, 2 << 20, "a file larger than the ranged-read threshold")
        // The compressed sizes of the id and qty chunks and the footer, from the file itself.
        let local = dir.appendingPathComponent("copy.parquet").path
        try Data(try await io.read(file.filePath)).write(to: URL(fileURLWithPath: local))
        let reader = try ParquetReader(path: local)
        let chunkBytes = reader.metadata.rowGroups.reduce(0) { total, g in
            total + [0, 4].reduce(0) { $0 + Int(g.columns[$1].metaData!.totalCompressedSize) }
        }
        let tail = Array(try Data(contentsOf: URL(fileURLWithPath: local)).suffix(8))
        let footer = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24

        func fetchedBytes(_ body: () async throws -> Void) async throws -> (bytes: Int, gets: Int) {
            try Data().write(to: URL(fileURLWithPath: log))
            try await body()
            let key = "/" + file.filePath.dropFirst("s3://lake/".count)
            var bytes = 0
            var gets = 0
            for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") {
                let entry = try JSONValue.parse(String(line))
                guard entry["method"]?.stringValue == "GET",
                    let url = entry["url"]?.stringValue, url.removingPercentEncoding?.contains(key) == true
                else { continue }
                gets += 1
                let range = try XCTUnwrap(
                    entry["headers"]?["Range"]?.stringValue, "every data file GET is ranged: \(entry)")
                let spec = range.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
                if spec[0].isEmpty {
                    bytes += min(Int(spec[1])!, Int(file.fileSizeInBytes))
                } else {
                    bytes += Int(spec[1])! - Int(spec[0])! + 1
                }
            }
            return (bytes, gets)
        }

        var count = 0
        var sum: Int64 = 0
        let twoColumns = try await fetchedBytes {
            for try await batch in try table.scan(columns: ["id", "qty"]).batches() {
                count += batch.rowCount
                for case .int(let q)? in batch.column("qty")?.literals() ?? [] { sum += Int64(q) }
            }
        }
        XCTAssertEqual(count, rows)
        XCTAssertEqual(sum, qtySum)
        XCTAssertGreaterThan(twoColumns.bytes, chunkBytes, "the chunks themselves are fetched")
        XCTAssertLessThanOrEqual(
            Double(twoColumns.bytes), 1.3 * Double(chunkBytes) + Double(footer),
            "fetched \(twoColumns.bytes) bytes in \(twoColumns.gets) GETs for \(chunkBytes) bytes of chunks, footer \(footer), file \(file.fileSizeInBytes)"
        )
        XCTAssertLessThan(twoColumns.bytes, Int(file.fileSizeInBytes) / 2)

        // A selective filter on id reads even less (statistics, page index, late materialization).
        var found: [JSONValue] = []
        let filtered = try await fetchedBytes {
            found = try await table.scan(filter: "id = 123456", columns: ["id", "note"]).rows()
        }
        XCTAssertEqual(found.map { $0["id"] }, [.int(123456)])
        XCTAssertLessThan(filtered.bytes, twoColumns.bytes)
        // Every column of every row: the whole file, once.
        var all = 0
        let full = try await fetchedBytes { all = try await table.scan().rows().count }
        XCTAssertEqual(all, rows)
        XCTAssertLessThanOrEqual(full.bytes, Int(file.fileSizeInBytes) + S3FileIO.tailReadSize)
    }

    /// A file whose footer is longer than the tail fetched on opening (hundreds of row groups):
    /// the rest of the footer is fetched too and every row reads back.
    func testAFooterLongerThanTheTailIsFetchedWhole() async throws {
        let moto = try Moto(self, authenticated: false)
        let s3 = try S3Client(
            region: "us-east-1", credentials: StaticCredentialsProvider(moto.credentials),
            endpoint: try AWSEndpoint(url: moto.endpoint), environment: [:])
        try await s3.createBucket("lake")
        let io = S3FileIO(s3: s3, rangedReadThreshold: 1 << 18)
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "a", .string), .optional(3, "b", .string),
            .optional(4, "c", .double),
        ])
        var shredder = try JSONRowShredder(schema: schema)
        let rows = 120_000
        for i in 0..<rows {
            try shredder.append(
                .object([
                    ("id", .int(Int64(i))), ("a", .string("a-\(i)")), ("b", .string("b-\(i % 97)")),
                    ("c", .double(Double(i) / 8)),
                ]), rowNumber: i + 1)
        }
        let sink = MemorySink()
        var options = ParquetWriterOptions()
        options.rowGroupRows = 200
        let writer = try ParquetWriter(sink: sink, schema: try schema.parquetSchema(), options: options)
        try writer.write(shredder.takeColumns())
        _ = try writer.close()
        let bytes = sink.bytes
        let n = bytes.count
        let footer = Int(bytes[n - 8]) | Int(bytes[n - 7]) << 8 | Int(bytes[n - 6]) << 16 | Int(bytes[n - 5]) << 24
        XCTAssertGreaterThan(footer, S3FileIO.tailReadSize, "the footer outgrows the tail")
        try await io.write("s3://lake/long-footer.parquet", bytes)
        let input = try await io.input("s3://lake/long-footer.parquet")
        XCTAssertTrue(input is RangedInputFile)
        let reader = try await DataFileReader.open(input, schema: schema)
        XCTAssertEqual(reader.rowGroupCount, rows / 200)
        var count = 0
        var idSum: Int64 = 0
        for g in 0..<reader.rowGroupCount {
            let batch = try await reader.readConcurrently(rowGroup: g)
            count += batch.rowCount
            for case .long(let v)? in batch.column("id")?.literals() ?? [] { idSum += v }
        }
        XCTAssertEqual(count, rows)
        XCTAssertEqual(idSum, Int64(rows) * Int64(rows - 1) / 2)
    }
}
