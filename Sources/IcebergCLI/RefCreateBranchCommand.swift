import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct CreateBranch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-branch", abstract: "Create a branch (default: at the current snapshot).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch name.") var name: String
        @Option(help: "The snapshot it starts at.") var snapshotId: Int64?
        @Option(help: "Ancestors expiration always keeps.") var minSnapshotsToKeep: Int?
        @Option(help: "Age after which ancestors may expire.") var maxSnapshotAgeMs: Int64?
        @Option(help: "Age after which the branch itself is removed by expiration.") var maxRefAgeMs: Int64?
        func run() async throws {
            let retention = RefRetention(
                minSnapshotsToKeep: minSnapshotsToKeep, maxSnapshotAgeMs: maxSnapshotAgeMs, maxRefAgeMs: maxRefAgeMs)
            try await commitSnapshots(
                options, table, [.createBranch(name, snapshotId: snapshotId, retention: retention)])
        }
    }
}
