import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upgrade", abstract: "Raise the table's format version (to 2 or 3).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "The version to reach.") var formatVersion: Int
        func run() async throws {
            let version = formatVersion
            try await TableCommand.commit(options, table) { try await $0.upgradeFormatVersion(to: version) }
        }
    }
}
