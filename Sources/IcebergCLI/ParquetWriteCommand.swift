import ArgumentParser
import Iceberg
import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ParquetWrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a Parquet file from JSON lines on standard input.")

    @Argument(help: "Output Parquet file.") var output: String
    @Option(help: "Iceberg schema JSON file (the table spec's JSON form).") var schema: String
    @Option(help: "Compression: snappy, zstd, gzip, lz4_raw, brotli or none.") var codec: String = "snappy"
    @Option(help: "Target row group size in bytes.") var rowGroupBytes: Int = 128 << 20
    @Option(help: "Target data page size in bytes.") var pageBytes: Int = 1 << 20
    @Option(help: "Data page version, 1 or 2.") var dataPageVersion: Int = 1
    @Flag(help: "Disable dictionary encoding.") var noDictionary = false
    @Option(help: "Read rows from this file instead of standard input.") var input: String?

    func run() throws {
        try reportingErrors {
            var options = ParquetWriterOptions()
            guard let compression = ParquetCompression.named(codec) else {
                throw ValidationError("unknown codec '\(codec)' (use \(ParquetCompression.names))")
            }
            options.compression = compression
            guard dataPageVersion == 1 || dataPageVersion == 2 else {
                throw ValidationError("--data-page-version must be 1 or 2")
            }
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
                    guard fd >= 0 else {
                        throw ValidationError("cannot open '\(input)': \(String(cString: strerror(errno)))")
                    }
                }
                defer { if fd != 0 { close(fd) } }
                var reader = LineReader(fd: fd)
                var row = 0
                let batchRows = 65_536
                try reader.forEachLine { line in
                    // Skip blank lines.
                    var blank = true
                    for b in line where b != 0x20 && b != 0x09 {
                        blank = false
                        break
                    }
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
