import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import IcebergREST
import IcebergSQLite

extension CatalogRegistry {
    /// Every catalog kind of this SDK, in the order errors list them.
    public static let builtIn: CatalogRegistry = {
        do {
            return try CatalogRegistry([.sqlite, .s3Tables, .glue, .rest, .s3TablesREST, .glueREST, .inMemory])
        } catch {
            preconditionFailure("the built-in catalog kinds claim distinct schemes and types: \(error)")
        }
    }()
}

/// AWS settings PyIceberg's catalogs read (region, profile, credentials, endpoints).
private let awsKeys: Set<String> = [
    "glue.id", "glue.region", "glue.endpoint", "glue.profile-name", "glue.access-key-id", "glue.secret-access-key",
    "glue.session-token",
    "client.region", "client.profile-name", "client.access-key-id", "client.secret-access-key",
    "client.session-token",
    "s3.endpoint", "s3.region", "s3.access-key-id", "s3.secret-access-key", "s3.session-token",
]

extension CatalogKind {
    /// PyIceberg's SQL catalog on SQLite (`sqlite:PATH[?warehouse=DIR][&name=N]`, `type: sql`
    /// with `uri: sqlite:///PATH`); the warehouse may be local or on S3.
    public static let sqlite = CatalogKind(
        name: "sqlite", uriSchemes: ["sqlite"], uriForms: ["sqlite:PATH?warehouse=DIR"], types: ["sql"],
        configurationKeys: awsKeys,
        openURI: { uri, loader in
            let path = loader.absolute(uri.body)
            let folder = (path as NSString).deletingLastPathComponent
            let warehouse = uri.queryValue("warehouse").map(loader.absolute) ?? folder
            try LocalFileIO.makeDirectories(warehouse)
            return try SQLiteCatalog.open(path: path, name: uri.queryValue("name") ?? "default", warehouse: warehouse)
        },
        openProperties: { name, properties, loader, place in
            guard let uri = properties["uri"] else {
                throw CatalogLoaderError("\(place): a sql catalog needs 'uri' (sqlite:///PATH)")
            }
            guard uri.hasPrefix("sqlite:///") else {
                throw CatalogLoaderError("\(place): uri '\(uri)': only SQLite catalogs (sqlite:///PATH) are supported")
            }
            let path = loader.absolute(String(uri.dropFirst("sqlite:///".count)))
            let warehouse =
                try properties["warehouse"].map { try loader.localOrS3($0, place: place) }
                ?? (path as NSString).deletingLastPathComponent
            let io = try loader.warehouseIO(warehouse, properties)
            if !warehouse.hasPrefix("s3://") { try LocalFileIO.makeDirectories(warehouse) }
            return try SQLiteCatalog.open(path: path, name: name, warehouse: warehouse, io: io)
        })

    /// A catalog held in memory (`type: in-memory`), for tests and one-off jobs.
    public static let inMemory = CatalogKind(
        name: "in-memory", types: ["in-memory"], configurationKeys: awsKeys,
        openProperties: { name, properties, loader, place in
            let warehouse =
                try properties["warehouse"].map { try loader.localOrS3($0, place: place) }
                ?? loader.absolute("./warehouse")
            return InMemoryCatalog(
                name: name, warehouse: warehouse, io: try loader.warehouseIO(warehouse, properties),
                store: InMemoryPointerStore())
        })

    /// An S3 table bucket through the S3 Tables API (`s3tables:ARN`).
    public static let s3Tables = CatalogKind(
        name: "s3tables", uriSchemes: ["s3tables"], uriForms: ["s3tables:ARN"],
        openURI: { uri, loader in
            try AWSCatalogs.s3Tables(tableBucketARN: uri.body, settings: loader.awsSettings())
        })

    /// The Glue Data Catalog through the Glue API (`glue[:CATALOG_ID]?warehouse=s3://…`,
    /// `type: glue`).
    public static let glue = CatalogKind(
        name: "glue", uriSchemes: ["glue"], uriForms: ["glue[:ID]?warehouse=s3://…"], types: ["glue"],
        configurationKeys: awsKeys,
        openURI: { uri, loader in
            guard let warehouse = uri.queryValue("warehouse"), warehouse.hasPrefix("s3://") else {
                throw CatalogLoaderError(
                    "glue catalogs need a warehouse: glue[:CATALOG_ID]?warehouse=s3://BUCKET/PREFIX")
            }
            return try AWSCatalogs.glue(
                catalogId: uri.body.isEmpty ? nil : uri.body, warehouse: warehouse, settings: loader.awsSettings())
        },
        openProperties: { _, properties, loader, place in
            guard let warehouse = properties["warehouse"], warehouse.hasPrefix("s3://") else {
                throw CatalogLoaderError(
                    "\(place): a glue catalog needs 'warehouse: s3://BUCKET/PREFIX' for new tables")
            }
            return try AWSCatalogs.glue(
                catalogId: properties["glue.id"], warehouse: warehouse, settings: loader.awsSettings(properties))
        })

    /// Any Iceberg REST catalog (`rest+http(s)://HOST[:PORT][/PATH][?warehouse=W]`, `type: rest`).
    public static let rest = CatalogKind(
        name: "rest", uriSchemes: ["rest+http", "rest+https"], uriForms: ["rest+http(s)://…"], types: ["rest"],
        configurationKeys: awsKeys.union([
            "credential", "token", "prefix", "scope", "oauth2-server-uri", "rest-page-size", "rest.sigv4-enabled",
            "rest.signing-name", "rest.signing-region",
        ]),
        configurationKeyPrefixes: ["header."],
        openURI: { uri, loader in
            let scheme = String(uri.scheme.dropFirst("rest+".count))
            let auth = try loader.restAuth(
                token: loader.overrides.token ?? loader.environment["ICEBERG_REST_TOKEN"],
                credential: loader.overrides.credential ?? loader.environment["ICEBERG_REST_CREDENTIAL"], scope: nil,
                serverURI: nil)
            return try await RESTCatalog.connect(
                RESTCatalogOptions(
                    uri: "\(scheme):\(uri.body)", warehouse: uri.queryValue("warehouse"), auth: auth,
                    fileIO: CatalogLoader.restFileIO(loader.awsSettings())), io: LocalFileIO())
        },
        openProperties: { name, properties, loader, place in
            guard let uri = properties["uri"] else { throw CatalogLoaderError("\(place): a rest catalog needs 'uri'") }
            let settings = loader.awsSettings(properties)
            var auth = try loader.restAuth(
                token: loader.overrides.token ?? properties["token"],
                credential: loader.overrides.credential ?? properties["credential"],
                scope: properties["scope"], serverURI: properties["oauth2-server-uri"])
            if properties["rest.sigv4-enabled"]?.lowercased() == "true" {
                let region = try properties["rest.signing-region"] ?? settings.resolvedRegion()
                auth = .signed(
                    SigV4RequestSigner(
                        signingName: properties["rest.signing-name"] ?? "execute-api", region: region,
                        credentials: settings.credentialsProvider(http: HTTPTransport())))
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
                headers: headers, pageSize: pageSize, fileIO: CatalogLoader.restFileIO(settings))
            return try await RESTCatalog.connect(options, io: LocalFileIO())
        })

    /// An S3 table bucket through its Iceberg REST endpoint (`s3tables-rest:ARN`).
    public static let s3TablesREST = CatalogKind(
        name: "s3tables-rest", uriSchemes: ["s3tables-rest"], uriForms: ["s3tables-rest:ARN"],
        openURI: { uri, loader in
            try await AWSRESTCatalogs.s3Tables(tableBucketARN: uri.body, settings: loader.awsSettings())
        })

    /// The Glue Data Catalog through its Iceberg REST endpoint (`glue-rest:CATALOG_ID`).
    public static let glueREST = CatalogKind(
        name: "glue-rest", uriSchemes: ["glue-rest"], uriForms: ["glue-rest:ID"],
        openURI: { uri, loader in
            try await AWSRESTCatalogs.glue(catalogId: uri.body, settings: loader.awsSettings())
        })
}
