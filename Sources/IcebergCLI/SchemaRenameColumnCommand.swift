import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct RenameColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename-column", abstract: "Rename a column.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The column's path.") var path: String
        @Argument(help: "Its new name.") var newName: String
        func run() async throws { try await SchemaCommand.commit(options, table, [.renameColumn(path, to: newName)]) }
    }
}
