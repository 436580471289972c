import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
    struct Rename: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var from: String
        @Argument var to: String
        func run() async throws {
            let catalog = try await options.open()
            let a = try TableIdentifier(parsing: from)
            let b = try TableIdentifier(parsing: to)
            try await reportingErrorsAsync { try await catalog.renameTable(a, to: b) }
        }
    }
}
