import ArgumentParser
import Iceberg
import JSONSupport

struct RewritePositionDeletesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite-position-deletes",
        abstract: "Merge small position-delete files (Spark's rewrite_position_delete_files).",
        discussion: """
            Per partition, position-delete files under 75% of write.delete.target-file-size-bytes (64 MB) are \
            merged into one file per data file once there are --min-input-files (5) of them; positions of data \
            files that are gone are dropped. With --remove-dangling, delete files that can no longer delete \
            anything are removed afterwards. Prints one JSON object.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "A group with fewer files is left alone unless it has enough bytes.") var minInputFiles = 5
    @Flag(help: "Rewrite every position-delete file.") var rewriteAll = false
    @Flag(help: "Then remove delete files that can no longer delete anything.") var removeDangling = false
    @Option(help: "The branch to rewrite.") var branch = "main"

    func run() async throws {
        var o = RewriteDataFilesOptions()
        o.minInputFiles = minInputFiles
        o.rewriteAll = rewriteAll
        try await options.withTable(table) { table in
            let r = try await table.rewritePositionDeleteFiles(RewritePositionDeleteFiles(branch: branch, options: o))
            var out = try encodedJSON(r)
            if removeDangling {
                let removed = try await table.removeDanglingDeletes(branch: branch)
                if case .object(var pairs) = out {
                    pairs.append(("removed-dangling-deletes", .int(Int64(removed.count))))
                    out = .object(pairs)
                }
            }
            options.emit(out)
        }
    }
}
