import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
    struct List: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var namespace: String
        func run() async throws {
            let catalog = try await options.open()
            let ns = try Namespace(parsing: namespace)
            try await reportingErrorsAsync {
                var printer = options.printer()
                for t in try await catalog.listTables(ns) { printer.row(.object([("table", .string(t.description))])) }
                printer.finish()
            }
        }
    }
}
