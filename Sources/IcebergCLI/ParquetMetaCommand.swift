import ArgumentParser
import Iceberg
import Parquet
import ParquetJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
