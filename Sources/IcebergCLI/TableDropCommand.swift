import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
    struct Drop: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var table: String
        @Flag(help: "Also delete the table's files.") var purge = false
        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            let p = purge
            try await reportingErrorsAsync { try await catalog.dropTable(id, purge: p) }
        }
    }
}
