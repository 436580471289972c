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
        subcommands: [
            Create.self, List.self, Drop.self, Rename.self, SetProperties.self, RemoveProperties.self, Upgrade.self,
        ])

    /// Commits one change and prints the table's format version and new metadata location.
    static func commit(_ options: CatalogOptions, _ table: String, _ change: (Table) async throws -> Void)
        async throws
    {
        try await options.commit(table, change) { [("format-version", .int(Int64($0.metadata.formatVersion)))] }
    }

    struct SetProperties: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-properties", abstract: "Set table properties (one commit).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "KEY=VALUE …") var properties: [String]
        func run() async throws {
            let updates = try parseProperties(properties)
            try await TableCommand.commit(options, table) { try await $0.updateProperties(set: updates) }
        }
    }

    struct RemoveProperties: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-properties", abstract: "Remove table properties (one commit).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "KEY …") var keys: [String]
        func run() async throws {
            let removals = keys
            try await TableCommand.commit(options, table) { try await $0.updateProperties(remove: removals) }
        }
    }

    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upgrade", abstract: "Raise the table's format version (to 2 or 3).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "The version to reach.") var formatVersion: Int
        func run() async throws {
            let version = formatVersion
            try await TableCommand.commit(options, table) { try await $0.upgradeFormatVersion(to: version) }
        }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "Iceberg schema JSON file.") var schema: String
        @Option(help: "Partition spec, e.g. \"day(ts),bucket(16,id),truncate(4,name),category\".") var partition:
            String?
        @Option(help: "Sort order, e.g. \"ts desc, id\".") var sort: String?
        @Option(name: .customLong("property"), help: "KEY=VALUE (repeatable).") var properties: [String] = []
        @Option(help: "Format version, 1, 2 or 3 (v3: row lineage, deletion vectors; Athena reads up to v2).")
        var formatVersion: Int = 2
        @Option(help: "Table location (default: under the warehouse).") var location: String?
        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            let s = try Schema(jsonText: try readTextFile(schema))
            let spec = try partition.map { try SpecParsing.partitionSpec($0, schema: s) } ?? .unpartitioned
            let order = try sort.map { try SpecParsing.sortOrder($0, schema: s) } ?? .unsorted
            guard TableMetadata.supportedFormatVersions.contains(formatVersion) else {
                throw ValidationError("--format-version must be 1, 2 or 3")
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
