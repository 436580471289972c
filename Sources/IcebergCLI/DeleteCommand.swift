import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the rows that match a filter (copy-on-write or merge-on-read).",
        discussion: """
            Files the filter cannot match are untouched; files whose every row matches are removed; \
            partly matching files are written again without the matching rows (copy-on-write) or get a \
            position-delete file (merge-on-read, format v2). Rows where the filter is unknown (null \
            compared) are kept. Prints one JSON object; no snapshot is made when nothing matches.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    @Option(help: "Rows to delete, in the scan's filter syntax, e.g. \"category = 'a' and qty < 3\".") var filter:
        String
    @Option(help: "Delete from this branch.") var branch = "main"
    @Option(help: "copy-on-write or merge-on-read (default: the table's write.delete.mode).") var mode: String?

    func run() async throws {
        let parsed = try FilterParser.parse(filter)
        let branch = branch
        let mode = try mode.map {
            guard let m = DeleteMode(rawValue: $0) else {
                throw ValidationError("--mode must be copy-on-write or merge-on-read, not '\($0)'")
            }
            return m
        }
        try await options.withTable(table) { table in
            let r = try await table.delete(where: parsed, branch: branch, mode: mode)
            options.emit(
                JSONValue.object([
                    ("snapshot-id", r.snapshotId.map { .int($0) } ?? .null), ("deleted-rows", .int(r.deletedRows)),
                    ("removed-data-files", .int(Int64(r.removedFiles))),
                    ("added-data-files", .int(Int64(r.addedFiles))),
                    ("added-delete-files", .int(Int64(r.addedDeleteFiles))),
                    ("removed-delete-files", .int(Int64(r.removedDeleteFiles))),
                    ("summary", snapshotSummary(table, r.snapshotId)),
                ]))
        }
    }
}
