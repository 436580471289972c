import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct SetIdentifierFields: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-identifier-fields", abstract: "Set the columns that identify a row.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "COL[,COL…] (required primitive columns).") var columns: String
        func run() async throws {
            let paths = columns.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            try await SchemaCommand.commit(options, table, [.setIdentifierFields(paths)])
        }
    }
}
