import ArgumentParser
import Iceberg
import JSONSupport

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make an ancestor of the current snapshot current again (one commit).")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "The ancestor's snapshot id.") var toSnapshot: Int64?
    @Option(help: "The newest ancestor older than this ISO-8601 time, or ms since the epoch.") var toTimestamp: String?
    func run() async throws {
        let op: ManageSnapshots.Operation
        switch (toSnapshot, toTimestamp) {
        case (let id?, nil): op = .rollbackToSnapshot(id)
        case (nil, let text?): op = .rollbackToTimestamp(try parseMillis(text))
        default: throw ValidationError("give exactly one of --to-snapshot and --to-timestamp")
        }
        try await commitSnapshots(options, table, [op])
    }
}
