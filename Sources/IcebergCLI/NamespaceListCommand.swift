import ArgumentParser
import Iceberg
import JSONSupport

extension NamespaceCommand {
    struct List: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "Parent namespace.") var parent: String?
        func run() async throws {
            let catalog = try await options.open()
            let p = try parent.map { try Namespace(parsing: $0) }
            try await reportingErrorsAsync {
                var printer = options.printer()
                for ns in try await catalog.listNamespaces(parent: p) {
                    printer.row(.object([("namespace", .string(ns.description))]))
                }
                printer.finish()
            }
        }
    }
}
