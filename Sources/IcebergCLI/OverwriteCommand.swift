import ArgumentParser
import Iceberg
import JSONSupport

struct OverwriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overwrite",
        abstract: "Replace rows with JSON-lines rows in one snapshot: those matching a filter, or whole partitions.",
        discussion: """
            --filter F replaces the rows matching F (partly matching files are written again without them); \
            --dynamic-partitions replaces every row of the partitions the new rows fall into. Prints \
            {"table", "snapshot-id", "deleted-rows", "added-rows", "removed-data-files", "summary"}.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "Rows to replace, in the scan's filter syntax.") var filter: String?
    @Flag(help: "Replace the partitions the new rows fall into.") var dynamicPartitions = false
    @Option(help: "JSON-lines file (default: standard input).") var file: String?
    @Option(help: "Commit to this branch.") var branch = "main"

    func run() async throws {
        guard (filter != nil) != dynamicPartitions else {
            throw ValidationError("give exactly one of --filter and --dynamic-partitions")
        }
        let parsed = try filter.map { try FilterParser.parse($0) }
        let (path, branch) = (file, branch)
        try await options.withTable(table) { table in
            let rows = try readJSONRows(path).map { (rowNumber: $0.0, row: $0.1) }
            let r: OverwriteRows.Result
            if let parsed {
                r = try await table.overwrite(where: parsed, with: rows, branch: branch)
            } else {
                r = try await table.overwritePartitions(with: rows, branch: branch)
            }
            options.emit(
                .object([
                    ("table", .string(table.identifier.description)),
                    ("snapshot-id", r.snapshotId.map { .int($0) } ?? .null),
                    ("deleted-rows", .int(r.deletedRows)), ("added-rows", .int(r.addedRows)),
                    ("removed-data-files", .int(Int64(r.removedFiles))),
                    ("summary", snapshotSummary(table, r.snapshotId)),
                ]))
        }
    }
}
