import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct Replace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replace", abstract: "Point an existing branch or tag at another snapshot.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch or tag.") var name: String
        @Option(help: "The snapshot.") var snapshotId: Int64
        func run() async throws {
            let (name, id) = (name, snapshotId)
            try await commitSnapshots(options, table) {
                [$0.ref(name)?.type == .tag ? .replaceTag(name, snapshotId: id) : .replaceBranch(name, snapshotId: id)]
            }
        }
    }
}
