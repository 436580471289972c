import ArgumentParser
import Iceberg
import JSONSupport

extension NamespaceCommand {
    struct Drop: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var namespace: String
        func run() async throws {
            let catalog = try await options.open()
            let ns = try Namespace(parsing: namespace)
            try await reportingErrorsAsync { try await catalog.dropNamespace(ns) }
        }
    }
}
