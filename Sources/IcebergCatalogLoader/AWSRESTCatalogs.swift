import AWSTransport
import Iceberg
import IcebergAWS
import IcebergREST

/// The Iceberg REST endpoints of AWS: S3 Tables (`https://s3tables.REGION.amazonaws.com/iceberg`,
/// signing name `s3tables`, warehouse = the table bucket ARN) and the Glue Data Catalog
/// (`https://glue.REGION.amazonaws.com/iceberg`, signing name `glue`, prefix `catalogs/ID`).
/// Endpoints follow `AWS_ENDPOINT_URL_S3TABLES` / `AWS_ENDPOINT_URL_GLUE` like the direct catalogs.
/// Assembled here, where catalogs are loaded, so neither IcebergAWS nor IcebergREST imports the other.
public enum AWSRESTCatalogs {
    /// A REST client for a table bucket.
    public static func s3Tables(tableBucketARN: String, settings: AWSSettings = AWSSettings()) async throws
        -> RESTCatalog
    {
        let region = try settings.resolvedRegion(fallback: try S3TablesPointerStore.region(ofARN: tableBucketARN))
        let bucket = tableBucketARN.split(separator: "/").last.map(String.init) ?? tableBucketARN
        return try await connect(
            signingName: "s3tables", region: region, warehouse: tableBucketARN, prefix: nil, name: bucket,
            settings: settings)
    }

    /// A REST client for a Glue Data Catalog (`catalogId`: the account id for the default
    /// catalog, or `ACCOUNT:s3tablescatalog/BUCKET` for S3 Tables federated into Glue).
    public static func glue(catalogId: String, settings: AWSSettings = AWSSettings()) async throws -> RESTCatalog {
        guard !catalogId.isEmpty else {
            throw CatalogError.invalidArgument("glue-rest needs a catalog id (the account id for the default catalog)")
        }
        return try await connect(
            signingName: "glue", region: try settings.resolvedRegion(), warehouse: catalogId,
            prefix: "catalogs/\(catalogId)", name: catalogId, settings: settings)
    }

    /// The REST URI of an AWS service in a region (`…/iceberg`).
    public static func uri(signingName: String, region: String, settings: AWSSettings) throws -> String {
        let e = try AWSEndpoint.resolve(
            service: signingName, region: region, environment: settings.environment,
            profileEndpoint: settings.profileEndpoint)
        return "\(e.scheme)://\(e.host)\(e.port.map { ":\($0)" } ?? "")/iceberg"
    }

    private static func connect(
        signingName: String, region: String, warehouse: String, prefix: String?, name: String,
        settings: AWSSettings
    ) async throws -> RESTCatalog {
        let http = HTTPTransport()
        let credentials = settings.credentialsProvider(http: http)
        let profileEndpoint = settings.profileEndpoint
        let io = try settings.s3FileIO(
            region: region, credentials: credentials, http: http, profileEndpoint: profileEndpoint)
        let options = RESTCatalogOptions(
            uri: try uri(signingName: signingName, region: region, settings: settings), warehouse: warehouse,
            auth: .signed(SigV4RequestSigner(signingName: signingName, region: region, credentials: credentials)),
            name: name,
            prefix: prefix,
            fileIO: { _, config in try s3FileIO(config: config, region: region, settings: settings, fallback: io) })
        return try await RESTCatalog.connect(options, io: io)
    }

    /// The S3 FileIO a table's REST `config` asks for: vended `s3.access-key-id` /
    /// `s3.secret-access-key` / `s3.session-token`, `client.region`, `s3.endpoint`; else `fallback`.
    public static func s3FileIO(config: [(String, String)], region: String, settings: AWSSettings, fallback: FileIO)
        throws -> FileIO
    {
        func value(_ k: String) -> String? { config.last { $0.0 == k }?.1 }
        let tableRegion = value("client.region") ?? value("s3.region") ?? region
        let endpoint = value("s3.endpoint")
        guard let key = value("s3.access-key-id"), let secret = value("s3.secret-access-key") else {
            guard endpoint != nil || tableRegion != region else { return fallback }
            return try settings.s3FileIO(
                region: tableRegion, credentials: settings.credentialsProvider(http: HTTPTransport()),
                profileEndpoint: settings.profileEndpoint, endpointURL: endpoint)
        }
        let vended = StaticCredentialsProvider(
            AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: value("s3.session-token")))
        return try settings.s3FileIO(
            region: tableRegion, credentials: vended, profileEndpoint: settings.profileEndpoint, endpointURL: endpoint)
    }
}
