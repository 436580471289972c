import AWSTransport
import Iceberg

/// Settings shared by the AWS catalogs: region, profile, environment and optional endpoints.
public struct AWSSettings: Sendable {
    /// The region; nil to take it from the ARN, `AWS_REGION`/`AWS_DEFAULT_REGION` or the profile.
    public var region: String?
    /// The shared-config profile; nil for `AWS_PROFILE` or `default`.
    public var profile: String?
    /// The environment read for credentials, region and `AWS_ENDPOINT_URL…`.
    public var environment: [String: String]
    /// Explicit credentials, bypassing the provider chain.
    public var credentials: AWSCredentialsProvider?
    /// Retry policy of every client.
    public var retry: AWSRetryPolicy?

    /// Creates settings (the process environment by default).
    public init(
        region: String? = nil, profile: String? = nil, environment: [String: String] = AWSEnvironment.current(),
        credentials: AWSCredentialsProvider? = nil, retry: AWSRetryPolicy? = nil
    ) {
        self.region = region
        self.profile = profile
        self.environment = environment
        self.credentials = credentials
        self.retry = retry
    }

    /// The region, or a configuration error saying where it is looked for.
    public func resolvedRegion(fallback: String? = nil) throws -> String {
        if let region, !region.isEmpty { return region }
        if let fallback { return fallback }
        if let r = resolveAWSRegion(environment: environment, profile: profile) { return r }
        throw AWSError.configuration("no region: pass --region, or set AWS_REGION, or a region in the profile")
    }

    /// The credentials provider: the explicit one, or the default chain.
    public func credentialsProvider(http: HTTPTransport) -> AWSCredentialsProvider {
        credentials ?? DefaultCredentialsChain(environment: environment, profile: profile, http: http)
    }

    /// The profile's `endpoint_url`, if any.
    public var profileEndpoint: String? {
        SharedConfigFiles(environment: environment).value(
            "endpoint_url", profile: profile ?? environment["AWS_PROFILE"] ?? "default")
    }

    /// A client of a catalog service and an S3 FileIO in one region, sharing credentials
    /// (one cache, one refresh) and the HTTP client; the shared config files are read once.
    func serviceAndStorage(signingName: String, region: String) throws -> (AWSServiceClient, S3FileIO) {
        let http = HTTPTransport()
        let credentials = credentialsProvider(http: http)
        let profileEndpoint = self.profileEndpoint
        let endpoint = try AWSEndpoint.resolve(
            service: signingName, region: region, environment: environment, profileEndpoint: profileEndpoint)
        let client = AWSServiceClient(
            signingName: signingName, region: region, endpoint: endpoint, credentials: credentials, http: http,
            retry: retry ?? .standard(environment: environment))
        let io = try s3FileIO(region: region, credentials: credentials, http: http, profileEndpoint: profileEndpoint)
        return (client, io)
    }

    /// An S3 FileIO (region as for the catalogs, or the one given).
    public func s3FileIO(region: String? = nil) throws -> S3FileIO {
        let http = HTTPTransport()
        return try s3FileIO(
            region: try resolvedRegion(fallback: region), credentials: credentialsProvider(http: http), http: http,
            profileEndpoint: profileEndpoint)
    }

    /// An S3 FileIO with given credentials (vended by a catalog) and optionally an endpoint.
    public func s3FileIO(
        region: String, credentials: AWSCredentialsProvider, http: HTTPTransport = HTTPTransport(),
        profileEndpoint: String?, endpointURL: String? = nil
    ) throws -> S3FileIO {
        let endpoint =
            try endpointURL.map { try AWSEndpoint(url: $0) }
            ?? AWSEndpoint.resolve(
                service: "s3", region: region, environment: environment, profileEndpoint: profileEndpoint)
        return S3FileIO(
            s3: try S3Client(
                region: region, credentials: credentials, endpoint: endpoint, environment: environment,
                http: http, retry: retry))
    }
}

/// Builders of the AWS catalogs.
public enum AWSCatalogs {
    /// A catalog on an S3 Tables table bucket (`arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME`).
    public static func s3Tables(tableBucketARN: String, settings: AWSSettings = AWSSettings()) throws -> PointerCatalog<
        S3TablesPointerStore
    > {
        let region = try settings.resolvedRegion(fallback: try S3TablesPointerStore.region(ofARN: tableBucketARN))
        let (client, io) = try settings.serviceAndStorage(signingName: "s3tables", region: region)
        let bucket = tableBucketARN.split(separator: "/").last.map(String.init) ?? tableBucketARN
        return PointerCatalog(
            name: bucket, warehouse: tableBucketARN, io: io,
            store: S3TablesPointerStore(tableBucketARN: tableBucketARN, client: client))
    }

    /// A catalog on the Glue Data Catalog; new tables go under `warehouse` (`s3://bucket/prefix`)
    /// as `warehouse/DB.db/TABLE`.
    public static func glue(catalogId: String? = nil, warehouse: String, settings: AWSSettings = AWSSettings()) throws
        -> PointerCatalog<GluePointerStore>
    {
        let (client, io) = try settings.serviceAndStorage(signingName: "glue", region: try settings.resolvedRegion())
        return PointerCatalog(
            name: catalogId ?? "glue", warehouse: warehouse, io: io,
            store: GluePointerStore(client: client, catalogId: catalogId))
    }
}
