import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a branch (not main) or a tag.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch or tag.") var name: String
        func run() async throws {
            let name = name
            try await commitSnapshots(options, table) {
                [$0.ref(name)?.type == .tag ? .removeTag(name) : .removeBranch(name)]
            }
        }
    }
}
