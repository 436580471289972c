import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import IcebergREST
import IcebergSQLite

/// Opens a `Catalog` from the strings users already have: a catalog URI (the `iceberg`
/// CLI's `--catalog` forms) or the name of a catalog in PyIceberg's configuration
/// (`~/.pyiceberg.yaml`, `PYICEBERG_CATALOG__…` variables), so `iceberg --catalog prod …`
/// opens what PyIceberg's `load_catalog("prod")` opens.
///
/// URIs: `sqlite:PATH[?warehouse=DIR][&name=N]`, `s3tables:ARN`, `glue[:CATALOG_ID]?warehouse=s3://…`,
/// `rest+http(s)://HOST[:PORT][/PATH][?warehouse=W]`, `s3tables-rest:ARN`, `glue-rest:CATALOG_ID`.
/// Each kind of catalog is declared once in `registry` (`CatalogRegistry.builtIn`).
public struct CatalogLoader: Sendable {
    /// Settings given beside the reference (the CLI's shared options); they win over the
    /// environment and, where both set one, over the configuration.
    public struct Overrides: Sendable {
        /// REST: a bearer token.
        public var token: String?
        /// REST: OAuth2 client credentials `CLIENT_ID:SECRET`.
        public var credential: String?
        /// AWS region.
        public var region: String?
        /// AWS shared-config profile.
        public var profile: String?
        /// Creates overrides.
        public init(token: String? = nil, credential: String? = nil, region: String? = nil, profile: String? = nil) {
            self.token = token
            self.credential = credential
            self.region = region
            self.profile = profile
        }
    }

    /// The environment (credentials, `ICEBERG_CATALOG`, `PYICEBERG_…`, `AWS_…`).
    public var environment: [String: String]
    /// Where `.pyiceberg.yaml` is looked for after `$PYICEBERG_HOME` (default `$HOME`).
    public var homeDirectory: String?
    /// Relative paths resolve against this folder; `.pyiceberg.yaml` is looked for here last.
    public var currentDirectory: String
    /// Settings beside the reference.
    public var overrides: Overrides
    /// The catalog kinds this loader opens.
    public var registry: CatalogRegistry

    /// The catalog used when none is named: `ICEBERG_CATALOG`, else PyIceberg's
    /// `default-catalog` when the configuration sets one, else this local SQLite catalog.
    public static let localDefault = "sqlite:./warehouse/catalog.db?warehouse=./warehouse"

    /// A loader for the given environment (the process's by default).
    public init(
        environment: [String: String] = AWSEnvironment.current(), homeDirectory: String? = nil,
        currentDirectory: String = FileManager.default.currentDirectoryPath, overrides: Overrides = Overrides(),
        registry: CatalogRegistry = .builtIn
    ) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.currentDirectory = currentDirectory
        self.overrides = overrides
        self.registry = registry
    }

    /// PyIceberg's configuration as this loader sees it.
    public func configuration() throws -> PyIcebergConfiguration {
        try PyIcebergConfiguration.load(
            environment: environment, homeDirectory: homeDirectory, currentDirectory: currentDirectory)
    }

    /// Opens `reference`: a catalog PyIceberg's configuration names (case-insensitive), else
    /// a catalog URI; nil for the default (see `localDefault`).
    public func load(_ reference: String? = nil) async throws -> any Catalog {
        let config = try configuration()
        guard let reference = reference ?? environment["ICEBERG_CATALOG"] ?? config.defaultCatalog else {
            return try await load(uri: Self.localDefault)
        }
        if let properties = config.catalog(named: reference) {
            return try await load(name: reference.lowercased(), properties: properties, source: config.file)
        }
        if config.defaultCatalog?.lowercased() == reference.lowercased() {
            throw CatalogLoaderError(
                "\(config.file ?? "PyIceberg configuration"): default-catalog '\(reference)' is not configured")
        }
        return try await load(uri: reference)
    }

    // MARK: URIs

    /// Opens a catalog URI through the kind its scheme names.
    public func load(uri text: String) async throws -> any Catalog {
        let uri = CatalogURI(text)
        guard let open = registry.kind(forScheme: uri.scheme)?.openURI else {
            throw CatalogLoaderError(
                """
                unknown catalog '\(text)': not a catalog of the PyIceberg configuration, nor a URI \
                (\(registry.uriForms))
                """)
        }
        return try await open(uri, self)
    }

    // MARK: PyIceberg properties

    /// Opens catalog `name` from PyIceberg-style properties (`type: sql|rest|glue|in-memory`
    /// or a type inferred from `uri` as PyIceberg does); `source` names the file in errors.
    public func load(name: String, properties: [String: String], source: String? = nil) async throws -> any Catalog {
        let place = "\(source ?? "PyIceberg configuration"), catalog '\(name)'"
        for key in properties.keys.sorted() where !registry.knows(key: key) {
            throw CatalogLoaderError("\(place): unknown key '\(key)'")
        }
        let type = try properties["type"]?.lowercased() ?? inferType(properties, place: place)
        guard let open = registry.kind(forType: type)?.openProperties else {
            throw CatalogLoaderError("\(place): unknown type '\(type)' (expected \(registry.typeList))")
        }
        return try await open(name, properties, self, place)
    }

    /// PyIceberg's rule: a `uri` of `http…` is REST, `sqlite…`/`postgresql…` SQL.
    private func inferType(_ properties: [String: String], place: String) throws -> String {
        guard let uri = properties["uri"] else {
            throw CatalogLoaderError("\(place): no 'type', and no 'uri' to infer it from")
        }
        if uri.hasPrefix("http") { return "rest" }
        if uri.hasPrefix("sqlite") || uri.hasPrefix("postgresql") { return "sql" }
        throw CatalogLoaderError("\(place): cannot infer the catalog type from uri '\(uri)'; set 'type'")
    }

    /// AWS settings from PyIceberg's keys: `glue.*` before `client.*` before `s3.*` for
    /// region, profile and credentials (one set per catalog); `glue.endpoint` and
    /// `s3.endpoint` as the services' endpoints.
    func awsSettings(_ p: [String: String] = [:]) -> AWSSettings {
        var env = environment
        if let e = p["glue.endpoint"] { env["AWS_ENDPOINT_URL_GLUE"] = e }
        if let e = p["s3.endpoint"] { env["AWS_ENDPOINT_URL_S3"] = e }
        var credentials: AWSCredentialsProvider? = nil
        for scope in ["glue", "client", "s3"] {
            if let key = p["\(scope).access-key-id"], let secret = p["\(scope).secret-access-key"] {
                credentials = StaticCredentialsProvider(
                    AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: p["\(scope).session-token"])
                )
                break
            }
        }
        return AWSSettings(
            region: overrides.region ?? p["glue.region"] ?? p["client.region"] ?? p["s3.region"],
            profile: overrides.profile ?? p["glue.profile-name"] ?? p["client.profile-name"],
            environment: env, credentials: credentials)
    }

    func restAuth(token: String?, credential: String?, scope: String?, serverURI: String?) throws -> RESTAuth {
        if let token {
            guard credential == nil else { throw CatalogLoaderError("give either a token or a credential, not both") }
            return .bearer(token)
        }
        guard let credential else { return .none }
        guard let colon = credential.firstIndex(of: ":") else {
            throw CatalogLoaderError("a REST credential must be CLIENT_ID:SECRET")
        }
        return .oauth2(
            clientId: String(credential[..<colon]), clientSecret: String(credential[credential.index(after: colon)...]),
            scope: scope ?? "catalog", serverURI: serverURI)
    }

    /// Tables on `s3://` use S3 with the credentials the server vends, else `settings`.
    static func restFileIO(_ settings: AWSSettings) -> @Sendable (String, [(String, String)]) throws -> FileIO? {
        { location, config in
            guard location.hasPrefix("s3://") || location.hasPrefix("s3a://") else { return nil }
            let region = try config.last { $0.0 == "client.region" }?.1 ?? settings.resolvedRegion()
            return try AWSRESTCatalogs.s3FileIO(
                config: config, region: region, settings: settings, fallback: try settings.s3FileIO(region: region))
        }
    }

    /// Storage for a warehouse: S3 (with the catalog's AWS settings) for `s3://`, else local files.
    func warehouseIO(_ warehouse: String, _ properties: [String: String]) throws -> FileIO {
        warehouse.hasPrefix("s3://") ? try awsSettings(properties).s3FileIO() : LocalFileIO()
    }

    func localOrS3(_ location: String, place: String) throws -> String {
        if location.hasPrefix("s3://") { return location }
        if location.hasPrefix("file://") { return absolute(String(location.dropFirst("file://".count))) }
        guard !location.contains("://") else {
            throw CatalogLoaderError("\(place): warehouse '\(location)': expected a path, file:// or s3://")
        }
        return absolute(location)
    }

    /// `path` against `currentDirectory`, with `.` and `..` resolved.
    func absolute(_ path: String) -> String {
        if path.contains("://") { return path }
        var parts = path.hasPrefix("/") ? [] : currentDirectory.split(separator: "/").map(String.init)
        for c in path.split(separator: "/") {
            if c == "." { continue }
            if c == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(String(c))
        }
        return "/" + parts.joined(separator: "/")
    }
}
