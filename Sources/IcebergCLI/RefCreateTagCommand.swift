import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct CreateTag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-tag", abstract: "Tag a snapshot (default: the current one).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The tag name.") var name: String
        @Option(help: "The snapshot tagged.") var snapshotId: Int64?
        @Option(help: "Age after which the tag is removed by expiration.") var maxRefAgeMs: Int64?
        func run() async throws {
            try await commitSnapshots(
                options, table, [.createTag(name, snapshotId: snapshotId, maxRefAgeMs: maxRefAgeMs)])
        }
    }
}
