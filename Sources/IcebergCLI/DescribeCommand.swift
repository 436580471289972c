import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Print a table's metadata (by name or metadata file).")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE or a path to a metadata.json file.") var table: String
    func run() async throws {
        let target = table
        if target.hasSuffix(".json") {
            let m = try TableMetadata(jsonText: try readTextFile(target))
            print(m.json.serialized(pretty: true))
            return
        }
        try await options.withTable(target) { t in
            guard case .object(var pairs) = t.metadata.json else { return }
            pairs.insert(("metadata-location", .string(t.metadataLocation)), at: 0)
            print(JSONValue.object(pairs).serialized(pretty: true))
        }
    }
}
