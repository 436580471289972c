import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct NamespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespace", abstract: "Create, list and drop namespaces.",
        subcommands: [Create.self, List.self, Drop.self])

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
