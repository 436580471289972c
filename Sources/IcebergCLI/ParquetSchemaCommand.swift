import ArgumentParser
import Iceberg
import Parquet
import ParquetJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
