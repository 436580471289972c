import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
    struct RemoveProperties: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-properties", abstract: "Remove table properties (one commit).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "KEY …") var keys: [String]
        func run() async throws {
            let removals = keys
            try await TableCommand.commit(options, table) { try await $0.updateProperties(remove: removals) }
        }
    }
}
