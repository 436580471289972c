import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
    struct SetProperties: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-properties", abstract: "Set table properties (one commit).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "KEY=VALUE …") var properties: [String]
        func run() async throws {
            let updates = try parseProperties(properties)
            try await TableCommand.commit(options, table) { try await $0.updateProperties(set: updates) }
        }
    }
}
