import ArgumentParser
import Iceberg
import JSONSupport

extension NamespaceCommand {
    struct Create: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "Namespace (dotted for nesting).") var namespace: String
        @Option(name: .customLong("property"), help: "KEY=VALUE (repeatable).") var properties: [String] = []
        func run() async throws {
            let catalog = try await options.open()
            let ns = try Namespace(parsing: namespace)
            let props = try parseProperties(properties)
            try await reportingErrorsAsync { try await catalog.createNamespace(ns, properties: props) }
            options.emit(JSONValue.object([("namespace", .string(ns.description))]))
        }
    }
}
