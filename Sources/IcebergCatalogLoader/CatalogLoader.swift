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

    /// The catalog used when none is named: `ICEBERG_CATALOG`, else PyIceberg's
    /// `default-catalog` when the configuration sets one, else this local SQLite catalog.
    public static let localDefault = "sqlite:./warehouse/catalog.db?warehouse=./warehouse"

    /// A loader for the given environment (the process's by default).
    public init(
        environment: [String: String] = AWSEnvironment.current(), homeDirectory: String? = nil,
        currentDirectory: String = FileManager.default.currentDirectoryPath, overrides: Overrides = Overrides()
    ) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.currentDirectory = currentDirectory
        self.overrides = overrides
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

    /// Opens a catalog URI.
    public func load(uri: String) async throws -> any Catalog {
        let settings = AWSSettings(region: overrides.region, profile: overrides.profile, environment: environment)
        if uri.hasPrefix("rest+http://") || uri.hasPrefix("rest+https://") {
            let url = String(uri.dropFirst("rest+".count))
            let parts = url.split(separator: "?", maxSplits: 1)
            let warehouse = parts.count > 1 ? Self.queryValue(String(parts[1]), "warehouse") : nil
            let auth = try restAuth(
                token: overrides.token ?? environment["ICEBERG_REST_TOKEN"],
                credential: overrides.credential ?? environment["ICEBERG_REST_CREDENTIAL"], scope: nil, serverURI: nil)
            return try await RESTCatalog.connect(
                RESTCatalogOptions(
                    uri: String(parts[0]), warehouse: warehouse, auth: auth,
                    fileIO: Self.restFileIO(settings)), io: LocalFileIO())
        }
        if uri.hasPrefix("s3tables-rest:") {
            return try await AWSRESTCatalogs.s3Tables(
                tableBucketARN: String(uri.dropFirst("s3tables-rest:".count)), settings: settings)
        }
        if uri == "glue-rest" || uri.hasPrefix("glue-rest:") {
            return try await AWSRESTCatalogs.glue(
                catalogId: String(uri.dropFirst("glue-rest".count).drop { $0 == ":" }), settings: settings)
        }
        if uri.hasPrefix("s3tables:") {
            return try AWSCatalogs.s3Tables(
                tableBucketARN: String(uri.dropFirst("s3tables:".count)), settings: settings)
        }
        if uri == "glue" || uri.hasPrefix("glue:") || uri.hasPrefix("glue?") {
            let parts = uri.split(separator: "?", maxSplits: 1)
            let id = parts[0].dropFirst("glue".count).drop { $0 == ":" }
            let warehouse = parts.count > 1 ? Self.queryValue(String(parts[1]), "warehouse") : nil
            guard let warehouse, warehouse.hasPrefix("s3://") else {
                throw CatalogLoaderError(
                    "glue catalogs need a warehouse: glue[:CATALOG_ID]?warehouse=s3://BUCKET/PREFIX")
            }
            return try AWSCatalogs.glue(
                catalogId: id.isEmpty ? nil : String(id), warehouse: warehouse, settings: settings)
        }
        guard uri.hasPrefix("sqlite:") else {
            throw CatalogLoaderError(
                """
                unknown catalog '\(uri)': not a catalog of the PyIceberg configuration, nor a URI \
                (sqlite:PATH?warehouse=DIR, s3tables:ARN, glue[:ID]?warehouse=s3://…, rest+http(s)://…, s3tables-rest:ARN, glue-rest:ID)
                """)
        }
        let parts = uri.dropFirst("sqlite:".count).split(separator: "?", maxSplits: 1)
        let path = absolute(String(parts.first ?? ""))
        let query = parts.count > 1 ? String(parts[1]) : ""
        let folder = (path as NSString).deletingLastPathComponent
        let warehouse = Self.queryValue(query, "warehouse").map(absolute) ?? folder
        try LocalFileIO.makeDirectories(warehouse)
        return try SQLiteCatalog.open(
            path: path, name: Self.queryValue(query, "name") ?? "default", warehouse: warehouse)
    }

    // MARK: PyIceberg properties

    /// Keys this loader understands in a PyIceberg catalog's settings (and `header.*`).
    public static let knownKeys: Set<String> = [
        "type", "uri", "warehouse", "credential", "token", "prefix", "scope", "oauth2-server-uri", "rest-page-size",
        "rest.sigv4-enabled", "rest.signing-name", "rest.signing-region",
        "glue.id", "glue.region", "glue.endpoint", "glue.profile-name", "glue.access-key-id", "glue.secret-access-key",
        "glue.session-token",
        "client.region", "client.profile-name", "client.access-key-id", "client.secret-access-key",
        "client.session-token",
        "s3.endpoint", "s3.region", "s3.access-key-id", "s3.secret-access-key", "s3.session-token",
        "py-io-impl",  // selects PyIceberg's Python FileIO; nothing to do here
    ]

    /// Opens catalog `name` from PyIceberg-style properties (`type: sql|rest|glue|in-memory`
    /// or a type inferred from `uri` as PyIceberg does); `source` names the file in errors.
    public func load(name: String, properties: [String: String], source: String? = nil) async throws -> any Catalog {
        let place = "\(source ?? "PyIceberg configuration"), catalog '\(name)'"
        for key in properties.keys.sorted() where !Self.knownKeys.contains(key) && !key.hasPrefix("header.") {
            throw CatalogLoaderError("\(place): unknown key '\(key)'")
        }
        let type = try properties["type"]?.lowercased() ?? inferType(properties, place: place)
        let settings = awsSettings(properties)
        switch type {
        case "sql":
            guard let uri = properties["uri"] else {
                throw CatalogLoaderError("\(place): a sql catalog needs 'uri' (sqlite:///PATH)")
            }
            guard uri.hasPrefix("sqlite:///") else {
                throw CatalogLoaderError("\(place): uri '\(uri)': only SQLite catalogs (sqlite:///PATH) are supported")
            }
            let path = absolute(String(uri.dropFirst("sqlite:///".count)))
            let warehouse =
                try properties["warehouse"].map { try localOrS3($0, place: place) }
                ?? (path as NSString).deletingLastPathComponent
            let io: FileIO = warehouse.hasPrefix("s3://") ? try settings.s3FileIO() : LocalFileIO()
            if !warehouse.hasPrefix("s3://") { try LocalFileIO.makeDirectories(warehouse) }
            return try SQLiteCatalog.open(path: path, name: name, warehouse: warehouse, io: io)
        case "in-memory":
            let warehouse =
                try properties["warehouse"].map { try localOrS3($0, place: place) } ?? absolute("./warehouse")
            let io: FileIO = warehouse.hasPrefix("s3://") ? try settings.s3FileIO() : LocalFileIO()
            return InMemoryCatalog(name: name, warehouse: warehouse, io: io, store: InMemoryPointerStore())
        case "glue":
            guard let warehouse = properties["warehouse"], warehouse.hasPrefix("s3://") else {
                throw CatalogLoaderError(
                    "\(place): a glue catalog needs 'warehouse: s3://BUCKET/PREFIX' for new tables")
            }
            return try AWSCatalogs.glue(catalogId: properties["glue.id"], warehouse: warehouse, settings: settings)
        case "rest":
            guard let uri = properties["uri"] else { throw CatalogLoaderError("\(place): a rest catalog needs 'uri'") }
            var auth = try restAuth(
                token: overrides.token ?? properties["token"],
                credential: overrides.credential ?? properties["credential"],
                scope: properties["scope"], serverURI: properties["oauth2-server-uri"])
            if properties["rest.sigv4-enabled"]?.lowercased() == "true" {
                let region = try properties["rest.signing-region"] ?? settings.resolvedRegion()
                auth = .sigv4(
                    signingName: properties["rest.signing-name"] ?? "execute-api", region: region,
                    credentials: settings.credentialsProvider(http: HTTPTransport()))
            }
            let pageSize = try properties["rest-page-size"].map { text -> Int in
                guard let n = Int(text), n > 0 else {
                    throw CatalogLoaderError("\(place): rest-page-size '\(text)' is not a positive integer")
                }
                return n
            }
            let headers = properties.filter { $0.key.hasPrefix("header.") }.sorted { $0.key < $1.key }
                .map { (String($0.key.dropFirst("header.".count)), $0.value) }
            let options = RESTCatalogOptions(
                uri: uri, warehouse: properties["warehouse"], auth: auth, name: name, prefix: properties["prefix"],
                headers: headers, pageSize: pageSize, fileIO: Self.restFileIO(settings))
            return try await RESTCatalog.connect(options, io: LocalFileIO())
        default:
            throw CatalogLoaderError("\(place): unknown type '\(type)' (expected sql, rest, glue or in-memory)")
        }
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
    private func awsSettings(_ p: [String: String]) -> AWSSettings {
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

    private func restAuth(token: String?, credential: String?, scope: String?, serverURI: String?) throws -> RESTAuth {
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
    private static func restFileIO(_ settings: AWSSettings) -> @Sendable (String, [(String, String)]) throws -> FileIO?
    {
        { location, config in
            guard location.hasPrefix("s3://") || location.hasPrefix("s3a://") else { return nil }
            let region = try config.last { $0.0 == "client.region" }?.1 ?? settings.resolvedRegion()
            return try AWSRESTCatalogs.s3FileIO(
                config: config, region: region, settings: settings, fallback: try settings.s3FileIO(region: region))
        }
    }

    private func localOrS3(_ location: String, place: String) throws -> String {
        if location.hasPrefix("s3://") { return location }
        if location.hasPrefix("file://") { return absolute(String(location.dropFirst("file://".count))) }
        guard !location.contains("://") else {
            throw CatalogLoaderError("\(place): warehouse '\(location)': expected a path, file:// or s3://")
        }
        return absolute(location)
    }

    /// The value of `key` in `a=1&b=2`.
    static func queryValue(_ query: String, _ key: String) -> String? {
        for kv in query.split(separator: "&") {
            let pair = kv.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == key { return pair[1] }
        }
        return nil
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
