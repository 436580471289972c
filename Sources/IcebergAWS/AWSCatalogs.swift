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
    public init(region: String? = nil, profile: String? = nil, environment: [String: String] = AWSEnvironment.current(),
                credentials: AWSCredentialsProvider? = nil, retry: AWSRetryPolicy? = nil) {
        self.region = region
        self.profile = profile
        self.environment = environment
        self.credentials = credentials
        self.retry = retry
    }

    /// The region, or a configuration error saying where it is looked for.
    func resolvedRegion(fallback: String? = nil) throws -> String {
        if let region, !region.isEmpty { return region }
        if let fallback { return fallback }
        if let r = resolveAWSRegion(environment: environment, profile: profile) { return r }
        throw AWSError.configuration("no region: pass --region, or set AWS_REGION, or a region in the profile")
    }

    /// The credentials provider: the explicit one, or the default chain.
    func credentialsProvider(http: AWSHTTPClient) -> AWSCredentialsProvider {
        credentials ?? DefaultCredentialsChain(environment: environment, profile: profile, http: http)
    }

    /// The profile's `endpoint_url`, if any.
    var profileEndpoint: String? {
        SharedConfigFiles(environment: environment).value("endpoint_url", profile: profile ?? environment["AWS_PROFILE"] ?? "default")
    }

    /// A client for a service.
    func client(signingName: String, region: String, credentials: AWSCredentialsProvider, http: AWSHTTPClient) throws -> AWSServiceClient {
        let endpoint = try AWSEndpoint.resolve(service: signingName, region: region, environment: environment, profileEndpoint: profileEndpoint)
        return AWSServiceClient(signingName: signingName, region: region, endpoint: endpoint, credentials: credentials, http: http,
                                retry: retry ?? .standard(environment: environment))
    }

    /// An S3 FileIO for a region.
    public func s3FileIO(region: String? = nil) throws -> S3FileIO {
        let http = AWSHTTPClient()
        let r = try resolvedRegion(fallback: region)
        let endpoint = try AWSEndpoint.resolve(service: "s3", region: r, environment: environment, profileEndpoint: profileEndpoint)
        let s3 = try S3Client(region: r, credentials: credentialsProvider(http: http), endpoint: endpoint, environment: environment,
                              http: http, retry: retry)
        return S3FileIO(s3: s3)
    }
}

/// Builders of the AWS catalogs.
public enum AWSCatalogs {
    /// A catalog on an S3 Tables table bucket (`arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME`).
    public static func s3Tables(tableBucketARN: String, settings: AWSSettings = AWSSettings()) throws -> PointerCatalog<S3TablesPointerStore> {
        let region = try settings.resolvedRegion(fallback: try S3TablesPointerStore.region(ofARN: tableBucketARN))
        let http = AWSHTTPClient()
        let credentials = settings.credentialsProvider(http: http)
        var s = settings
        s.credentials = credentials
        let client = try s.client(signingName: "s3tables", region: region, credentials: credentials, http: http)
        let store = S3TablesPointerStore(tableBucketARN: tableBucketARN, client: client)
        let bucket = tableBucketARN.split(separator: "/").last.map(String.init) ?? tableBucketARN
        return PointerCatalog(name: bucket, warehouse: tableBucketARN, io: try s.s3FileIO(region: region), store: store)
    }

    /// A catalog on the Glue Data Catalog; new tables go under `warehouse` (`s3://bucket/prefix`)
    /// as `warehouse/DB.db/TABLE`.
    public static func glue(catalogId: String? = nil, warehouse: String, settings: AWSSettings = AWSSettings()) throws -> PointerCatalog<GluePointerStore> {
        let region = try settings.resolvedRegion()
        let http = AWSHTTPClient()
        let credentials = settings.credentialsProvider(http: http)
        var s = settings
        s.credentials = credentials
        let client = try s.client(signingName: "glue", region: region, credentials: credentials, http: http)
        let store = GluePointerStore(client: client, catalogId: catalogId)
        return PointerCatalog(name: catalogId ?? "glue", warehouse: warehouse, io: try s.s3FileIO(region: region), store: store)
    }
}
