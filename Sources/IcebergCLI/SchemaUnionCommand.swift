import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct Union: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "union",
            abstract: "Union a schema in by name: add missing columns, widen compatible ones, drop nothing.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "An Iceberg schema JSON file (its field ids are ignored).") var schema: String
        @Flag(help: "Match column names ignoring case.") var caseInsensitive = false
        func run() async throws {
            let other = try Schema(jsonText: try readTextFile(schema))
            try await SchemaCommand.commit(options, table, [.unionByName(other)], caseSensitive: !caseInsensitive)
        }
    }
}
