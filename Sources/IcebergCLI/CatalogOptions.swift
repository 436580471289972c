import ArgumentParser
import Foundation
import Iceberg
import IcebergCatalogLoader
import JSONSupport

/// The options every table command shares. They are accepted after the command and, as in
/// PyIceberg's CLI, before it (`iceberg --catalog prod scan shop.sales`).
struct CatalogOptions: ParsableArguments {
    @Option(
        help: """
            A catalog of the PyIceberg configuration (~/.pyiceberg.yaml, PYICEBERG_CATALOG__NAME__KEY), \
            or a catalog URI (default: ICEBERG_CATALOG, else PyIceberg's default-catalog, else \
            sqlite:./warehouse/catalog.db): sqlite:PATH?warehouse=DIR[&name=N] | \
            s3tables:arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME | glue[:CATALOG_ID]?warehouse=s3://BUCKET/PREFIX | \
            rest+http(s)://HOST[:PORT][/PATH][?warehouse=W] | s3tables-rest:arn:aws:s3tables:… | glue-rest:CATALOG_ID
            """)
    var catalog: String?
    @Option(help: "REST catalogs: a bearer token (default: ICEBERG_REST_TOKEN).") var token: String?
    @Option(help: "REST catalogs: OAuth2 client credentials CLIENT_ID:SECRET (default: ICEBERG_REST_CREDENTIAL).")
    var credential: String?
    @Option(
        help: "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, or the table bucket ARN's).")
    var region: String?
    @Option(help: "AWS shared-config profile (default: AWS_PROFILE or 'default').")
    var profile: String?
    @Option(help: "json: one JSON object per line (default); table: aligned columns for reading in a terminal.")
    var output: OutputFormat = .json

    /// The names of the shared options, for moving them from before the command to after it.
    static let sharedOptionNames: Set<String> = [
        "--catalog", "--token", "--credential", "--region", "--profile", "--output",
    ]

    /// Opens the catalog.
    func open() async throws -> any Catalog {
        let loader = CatalogLoader(
            overrides: .init(token: token, credential: credential, region: region, profile: profile))
        do {
            return try await loader.load(catalog)
        } catch {
            throw reported(error)
        }
    }

    /// A printer of result rows in the chosen format.
    func printer() -> RowPrinter { RowPrinter(format: output) }

    /// Loads a table, commits one change to it and prints `{"table", <fields>, "metadata"}`.
    func commit(
        _ table: String, _ change: (Table) async throws -> Void, printing fields: (Table) -> [(String, JSONValue)]
    ) async throws {
        try await withTable(table) { t in
            try await change(t)
            emit(
                .object(
                    [("table", .string(t.identifier.description))] + fields(t)
                        + [("metadata", .string(t.metadataLocation))]))
        }
    }

    /// Opens the catalog, parses `name` (NAMESPACE.TABLE) and loads the table, then runs
    /// `body` with it — the start every table command shares; errors of the load and of `body`
    /// are reported as every command reports them.
    func withTable(_ name: String, _ body: (Table) async throws -> Void) async throws {
        let catalog = try await open()
        let id = try TableIdentifier(parsing: name)
        try await reportingErrorsAsync { try await body(try await catalog.loadTable(id)) }
    }
}

func parseProperties(_ items: [String]) throws -> [(String, String)] {
    try items.map { item in
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2, !kv[0].isEmpty else { throw ValidationError("property '\(item)' is not KEY=VALUE") }
        return (kv[0], kv[1])
    }
}

/// `path` made absolute against the current folder.
func absolutePath(_ path: String) -> String {
    if path.hasPrefix("/") || path.contains("://") { return path }
    return URL(fileURLWithPath: path).standardizedFileURL.path
}

extension CatalogOptions {
    /// Prints one result row in the chosen format.
    func emit(_ value: JSONValue) {
        var p = printer()
        p.row(value)
        p.finish()
    }
}
