import ArgumentParser
import Iceberg
import Parquet
import ParquetJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
