import ArgumentParser
import Iceberg
import JSONSupport

extension TableCommand {
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
}
