import ArgumentParser
import Iceberg
import JSONSupport

struct MaintainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintain",
        abstract: "Run a table's maintenance policy: compaction, snapshot expiry, manifest rewriting, orphan removal.",
        discussion: """
            The policy lives in the table's maintenance.* properties, in the shape of S3 Tables' maintenance \
            configuration, with its defaults: compaction to 512 MB files (maintenance.compaction.target-file-size-mb, \
            64 to 512) with the auto strategy (sort when the table has a sort order); snapshots older than 120 hours \
            expire, keeping at least 1 per branch; files no snapshot references are deleted once 13 days old \
            (3 unreferenced + 10 noncurrent). Set maintenance.<step>.enabled=false to skip a step. Prints one JSON \
            object with what each step did; with --dry-run, what it would do.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "The branch to compact.") var branch = "main"
    @Flag(help: "Plan every step and change nothing.") var dryRun = false
    @OptionGroup var progress: ProgressOptions

    func run() async throws {
        try await options.withTable(table) { table in
            var maintenance = TableMaintenance(branch: branch, dryRun: dryRun)
            maintenance.progress = progress.handler()
            let result = try await table.maintain(maintenance)
            try options.emit(try encodedJSON(result))
        }
    }
}
