import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table", abstract: "Create, list, drop and rename tables.",
        subcommands: [Create.self, List.self, Drop.self, Rename.self])

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "Iceberg schema JSON file.") var schema: String
        @Option(help: "Partition spec, e.g. \"day(ts),bucket(16,id),truncate(4,name),category\".") var partition:
            String?
        @Option(help: "Sort order, e.g. \"ts desc, id\".") var sort: String?
        @Option(name: .customLong("property"), help: "KEY=VALUE (repeatable).") var properties: [String] = []
        @Option(help: "Format version, 1 or 2.") var formatVersion: Int = 2
        @Option(help: "Table location (default: under the warehouse).") var location: String?
        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            let s = try Schema(jsonText: try readTextFile(schema))
            let spec = try partition.map { try SpecParsing.partitionSpec($0, schema: s) } ?? .unpartitioned
            let order = try sort.map { try SpecParsing.sortOrder($0, schema: s) } ?? .unsorted
            guard formatVersion == 1 || formatVersion == 2 else {
                throw ValidationError("--format-version must be 1 or 2")
            }
            let creation = TableCreation(
                schema: s, spec: spec, sortOrder: order, properties: try parseProperties(properties),
                location: location, formatVersion: formatVersion)
            try await reportingErrorsAsync {
                let t = try await catalog.createTable(id, creation)
                options.emit(
                    JSONValue.object([
                        ("table", .string(id.description)), ("location", .string(t.metadata.location)),
                        ("metadata", .string(t.metadataLocation)),
                    ]))
            }
        }
    }

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
