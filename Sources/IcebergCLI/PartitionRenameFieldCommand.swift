import ArgumentParser
import Iceberg
import JSONSupport

extension PartitionCommand {
    struct RenameField: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename-field", abstract: "Rename a partition field (its id stays).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The field's name.") var name: String
        @Argument(help: "Its new name.") var newName: String
        func run() async throws { try await PartitionCommand.commit(options, table, [.renameField(name, to: newName)]) }
    }
}
