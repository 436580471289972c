import ValueFormats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An access key, its secret and (for temporary credentials) a session token and expiry.
/// Printing it never shows the secret or the token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id (`AKIA…`, `ASIA…`).
    public var accessKeyId: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials.
    public var sessionToken: String?
    /// When temporary credentials expire (seconds since the epoch), or nil.
    public var expiration: Int64?

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// The key id and expiry only; the secret and token are redacted.
    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>")\(expiration.map { ", expiration: \($0)" } ?? ""))"
    }
}

/// A source of credentials (environment, files, STS, container or instance metadata).
public protocol AWSCredentialsProvider: Sendable {
    /// Current credentials; providers of temporary credentials fetch new ones when needed.
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials given by the caller.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    /// The credentials.
    public let value: AWSCredentials
    /// Wraps credentials.
    public init(_ value: AWSCredentials) { self.value = value }
    /// The credentials.
    public func credentials() async throws -> AWSCredentials { value }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
    /// The environment read.
    public let environment: [String: String]
    /// Reads the given environment (the process environment by default).
    public init(environment: [String: String] = AWSEnvironment.current()) { self.environment = environment }

    /// Whether the environment holds a key pair.
    public var isConfigured: Bool { nonEmpty("AWS_ACCESS_KEY_ID") != nil && nonEmpty("AWS_SECRET_ACCESS_KEY") != nil }

    /// The credentials; throws if the variables are missing.
    public func credentials() async throws -> AWSCredentials {
        guard let id = nonEmpty("AWS_ACCESS_KEY_ID"), let secret = nonEmpty("AWS_SECRET_ACCESS_KEY") else {
            throw AWSError.credentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")
        }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret,
            sessionToken: nonEmpty("AWS_SESSION_TOKEN") ?? nonEmpty("AWS_SECURITY_TOKEN"))
    }

    private func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
}

/// Caches the credentials of another provider and refreshes them a margin before they
/// expire. Concurrent callers share one refresh.
public actor CachingCredentialsProvider: AWSCredentialsProvider {
    private let base: AWSCredentialsProvider
    private let refreshMargin: Int64
    private var cached: AWSCredentials?
    private var refreshing: Task<AWSCredentials, Error>?

    /// Wraps a provider; credentials are refreshed `refreshMarginSeconds` before expiry.
    public init(_ base: AWSCredentialsProvider, refreshMarginSeconds: Int64 = 300) {
        self.base = base
        self.refreshMargin = refreshMarginSeconds
    }

    /// Cached credentials, or fresh ones when none are cached or they are about to expire.
    public func credentials() async throws -> AWSCredentials {
        if let c = cached, !needsRefresh(c) { return c }
        if let task = refreshing { return try await task.value }
        let base = self.base
        let task = Task { try await base.credentials() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }

    private func needsRefresh(_ c: AWSCredentials) -> Bool {
        guard let exp = c.expiration else { return false }
        return Int64(WallClock.nowSeconds()) >= exp - refreshMargin
    }
}

/// The provider chain AWS SDKs use: environment variables, web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`
/// + `AWS_ROLE_ARN`), the shared config and credentials files (`AWS_PROFILE`), container
/// credentials (ECS, Lambda, EKS Pod Identity), then EC2 instance metadata (IMDSv2).
/// The first source that is configured answers; its credentials are cached and refreshed.
public struct DefaultCredentialsChain: AWSCredentialsProvider {
    private let resolved: AWSCredentialsProvider

    /// Builds the chain for an environment and an optional explicit profile.
    public init(environment: [String: String] = AWSEnvironment.current(), profile: String? = nil, http: HTTPTransport) {
        resolved = CachingCredentialsProvider(ChainResolver(environment: environment, profile: profile, http: http))
    }

    /// Credentials from the first configured source.
    public func credentials() async throws -> AWSCredentials { try await resolved.credentials() }

    private struct ChainResolver: AWSCredentialsProvider {
        let environment: [String: String]
        let profile: String?
        let http: HTTPTransport

        func credentials() async throws -> AWSCredentials {
            let env = EnvironmentCredentialsProvider(environment: environment)
            // An explicit profile wins over environment keys, as in the AWS CLI.
            if profile == nil, env.isConfigured { return try await env.credentials() }
            if profile == nil, let web = WebIdentityCredentialsProvider(environment: environment, http: http) {
                return try await web.credentials()
            }
            let files = SharedConfigFiles(environment: environment)
            let profileName = profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
            if files.hasCredentials(profile: profileName) {
                return try await ProfileCredentialsProvider(
                    profile: profileName, files: files, environment: environment, http: http
                ).credentials()
            }
            if profile != nil {
                throw AWSError.credentials(
                    "profile '\(profileName)' has no credentials in \(files.credentialsPath) or \(files.configPath)")
            }
            if let container = ContainerCredentialsProvider(environment: environment, http: http) {
                return try await container.credentials()
            }
            if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" {
                do {
                    return try await InstanceMetadataCredentialsProvider(environment: environment, http: http)
                        .credentials()
                } catch {
                    throw AWSError.credentials(
                        "no credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity, container credentials, or run on EC2 (instance metadata: \(error))"
                    )
                }
            }
            throw AWSError.credentials(
                "no credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity or container credentials"
            )
        }
    }
}

/// The process environment as a dictionary.
public enum AWSEnvironment {
    /// The current process environment.
    public static func current() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}
