import ArgumentParser
import Iceberg
import Parquet
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors already reported on stderr; exit non-zero without a second message.
struct ReportedFailure: Error {}

/// The error a command exits with: usage errors pass through for ArgumentParser to print,
/// anything else is printed as one clear line on stderr and becomes a failure exit.
func reported(_ error: Error) -> Error {
    if error is ValidationError || error is ReportedFailure || error is ExitCode { return error }
    printError("error: \(error)")
    return ExitCode.failure
}

/// Runs a command body, reporting errors as `reported(_:)` says.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw reported(error) }
}

/// Runs an async command body, reporting errors as `reported(_:)` says.
func reportingErrorsAsync(_ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw reported(error) }
}

func readTextFile(_ path: String) throws -> String {
    let input = try FileInput(path: path)
    return String(decoding: try input.read(offset: 0, count: input.size), as: UTF8.self)
}

struct ParquetWrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a Parquet file from JSON lines on standard input.")

    @Argument(help: "Output Parquet file.") var output: String
    @Option(help: "Iceberg schema JSON file (the table spec's JSON form).") var schema: String
    @Option(help: "Compression: snappy, zstd, gzip or none.") var codec: String = "snappy"
    @Option(help: "Target row group size in bytes.") var rowGroupBytes: Int = 128 << 20
    @Option(help: "Target data page size in bytes.") var pageBytes: Int = 1 << 20
    @Option(help: "Data page version, 1 or 2.") var dataPageVersion: Int = 1
    @Flag(help: "Disable dictionary encoding.") var noDictionary = false
    @Option(help: "Read rows from this file instead of standard input.") var input: String?

    func run() throws {
        try reportingErrors {
            var options = ParquetWriterOptions()
            switch codec.lowercased() {
            case "snappy": options.compression = .snappy
            case "zstd": options.compression = .zstd(level: 3)
            case "gzip": options.compression = .gzip(level: 6)
            case "none", "uncompressed": options.compression = .uncompressed
            default: throw ValidationError("unknown codec '\(codec)' (use snappy, zstd, gzip or none)")
            }
            guard dataPageVersion == 1 || dataPageVersion == 2 else { throw ValidationError("--data-page-version must be 1 or 2") }
            guard rowGroupBytes > 0, pageBytes > 0 else { throw ValidationError("sizes must be positive") }
            options.dataPageVersion = dataPageVersion == 1 ? .v1 : .v2
            options.rowGroupBytes = rowGroupBytes
            options.dataPageSize = pageBytes
            options.enableDictionary = !noDictionary
            let tableSchema = try Schema(jsonText: try readTextFile(schema))
            options.keyValueMetadata = [KeyValue(key: "iceberg.schema", value: tableSchema.json.serialized())]
            var shredder = try JSONRowShredder(schema: tableSchema)
            let sink = try FileSink(path: output)
            do {
                let writer = try ParquetWriter(sink: sink, schema: shredder.parquetSchema, options: options)
                var fd: Int32 = 0
                if let input {
                    fd = open(input, O_RDONLY)
                    guard fd >= 0 else { throw ValidationError("cannot open '\(input)': \(String(cString: strerror(errno)))") }
                }
                defer { if fd != 0 { close(fd) } }
                var reader = LineReader(fd: fd)
                var row = 0
                let batchRows = 65_536
                try reader.forEachLine { line in
                    // Skip blank lines.
                    var blank = true
                    for b in line where b != 0x20 && b != 0x09 { blank = false; break }
                    row += 1
                    if blank { return }
                    try shredder.append(jsonLine: line, rowNumber: row)
                    if shredder.rowCount >= batchRows {
                        try writer.write(shredder.takeColumns())
                    }
                }
                if shredder.rowCount > 0 { try writer.write(shredder.takeColumns()) }
                try writer.close()
            } catch {
                sink.abort()
                throw error
            }
        }
    }
}

struct ParquetCat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print the rows of a Parquet file as JSON lines.")

    @Argument(help: "Parquet file.") var file: String
    @Option(help: "Comma-separated column paths to print (a, b.c).") var columns: String?
    @Option(help: "Print at most N rows.") var limit: Int?

    func run() throws {
        try reportingErrors {
            let reader = try ParquetReader(path: file)
            let paths = columns.map { $0.split(separator: ",").map { String($0).trimmingCharacters() } }
            let selected = try reader.columnIndices(forPaths: paths)
            let assembler = try RecordAssembler(schema: reader.schema, selecting: Set(selected))
            let formatter = ParquetJSONFormatter(assembler: assembler)
            var out = StandardOutput()
            var remaining = limit ?? Int.max
            for g in 0..<reader.rowGroupCount where remaining > 0 {
                let data = try reader.readRowGroup(g, columns: assembler.columnIndices)
                let rows = try assembler.assemble(data)
                for r in rows.prefix(remaining) { out.line(formatter.format(r)) }
                remaining -= min(remaining, rows.count)
            }
            out.flush()
        }
    }
}

struct ParquetSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the schema of a Parquet file as JSON (with field ids).")

    @Argument(help: "Parquet file.") var file: String

    func run() throws {
        try reportingErrors {
            let reader = try ParquetReader(path: file)
            var out = StandardOutput()
            out.line(ParquetDescription.schema(reader.schema).serialized(pretty: true))
            out.flush()
        }
    }
}

struct ParquetMeta: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Print row groups, column chunks, encodings, codecs, sizes and statistics as JSON.")

    @Argument(help: "Parquet file.") var file: String

    func run() throws {
        try reportingErrors {
            let reader = try ParquetReader(path: file)
            var out = StandardOutput()
            out.line(ParquetDescription.metadata(reader).serialized(pretty: true))
            out.flush()
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
