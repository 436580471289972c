import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct DropColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "drop-column", abstract: "Drop a column.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The column's path.") var path: String
        func run() async throws { try await SchemaCommand.commit(options, table, [.deleteColumn(path)]) }
    }
}
