import AWSTransport
import Foundation
import Synchronization
import TestSupport
import ValueFormats
import XCTest

/// The credential sources that need no peer (environment, shared files with profiles,
/// credential_process, caching with refresh before expiry) and endpoint resolution.
final class AWSCredentialsUnitTests: XCTestCase {
    let http = HTTPTransport()

    func testEnvironmentAndSharedFiles() async throws {
        let dir = try makeTemporaryDirectory(self)
        let config = dir.appendingPathComponent("config").path
        let credentials = dir.appendingPathComponent("credentials").path
        try """
        [default]
        region = eu-west-1
        [profile dev]
        region = ap-southeast-2
        credential_process = printf '{"Version":1,"AccessKeyId":"AKIDPROCESS","SecretAccessKey":"process-secret","SessionToken":"process-token","Expiration":"2099-01-01T00:00:00Z"}'
        [profile broken]
        credential_process = exit 3
        [sso-session corp]
        sso_region = us-east-1
        """.write(toFile: config, atomically: true, encoding: .utf8)
        try """
        # comment
        [default]
        aws_access_key_id = AKIDFILE
        aws_secret_access_key = file-secret
        [other]
        aws_access_key_id=AKIDOTHER
        aws_secret_access_key=other-secret
        aws_session_token=other-token
        """.write(toFile: credentials, atomically: true, encoding: .utf8)
        let base = [
            "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_EC2_METADATA_DISABLED": "true",
        ]

        // Environment keys come first.
        var env = base
        env["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        env["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        env["AWS_SESSION_TOKEN"] = "env-token"
        var c = try await DefaultCredentialsChain(environment: env, http: http).credentials()
        XCTAssertEqual(
            c, AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))

        // Then the default profile of the files; its region from the config file.
        c = try await DefaultCredentialsChain(environment: base, http: http).credentials()
        XCTAssertEqual(c.accessKeyId, "AKIDFILE")
        XCTAssertEqual(resolveAWSRegion(environment: base), "eu-west-1")

        // AWS_PROFILE, and an explicit profile over environment keys.
        var other = base
        other["AWS_PROFILE"] = "other"
        c = try await DefaultCredentialsChain(environment: other, http: http).credentials()
        XCTAssertEqual(
            c, AWSCredentials(accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret", sessionToken: "other-token"))
        c = try await DefaultCredentialsChain(environment: env, profile: "dev", http: http).credentials()
        XCTAssertEqual(c.accessKeyId, "AKIDPROCESS")
        XCTAssertEqual(c.sessionToken, "process-token")
        XCTAssertEqual(c.expiration, TemporalValues.epochSeconds(iso8601: "2099-01-01T00:00:00Z"))
        XCTAssertEqual(resolveAWSRegion(environment: base, profile: "dev"), "ap-southeast-2")

        // Failures say which profile and why, without secrets.
        do {
            _ = try await DefaultCredentialsChain(environment: base, profile: "broken", http: http).credentials()
            XCTFail("a failing credential_process gave credentials")
        } catch let error as AWSError {
            XCTAssertTrue("\(error)".contains("profile 'broken'") && "\(error)".contains("status 3"), "\(error)")
        }
        do {
            _ = try await DefaultCredentialsChain(environment: base, profile: "missing", http: http).credentials()
            XCTFail("a missing profile gave credentials")
        } catch let error as AWSError {
            XCTAssertTrue("\(error)".contains("profile 'missing'"), "\(error)")
        }
    }

    /// Cached credentials are reused until a margin before expiry; concurrent callers share one refresh.
    func testCachingRefreshesBeforeExpiry() async throws {
        final class Counting: AWSCredentialsProvider {
            let calls = Mutex(0)
            let lifetime: Int64
            init(lifetime: Int64) { self.lifetime = lifetime }
            func credentials() async throws -> AWSCredentials {
                let n = calls.withLock {
                    $0 += 1
                    return $0
                }
                try await Task.sleep(nanoseconds: 20_000_000)
                return AWSCredentials(
                    accessKeyId: "AKID\(n)", secretAccessKey: "s", expiration: Int64(WallClock.nowSeconds()) + lifetime)
            }
        }
        let longLived = Counting(lifetime: 3600)
        let cache = CachingCredentialsProvider(longLived, refreshMarginSeconds: 300)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(ids, ["AKID1"])
        XCTAssertEqual(longLived.calls.withLock { $0 }, 1)

        let expiring = Counting(lifetime: 200)  // inside the 300 s margin: every call refreshes
        let refreshing = CachingCredentialsProvider(expiring, refreshMarginSeconds: 300)
        _ = try await refreshing.credentials()
        let second = try await refreshing.credentials()
        XCTAssertEqual(second.accessKeyId, "AKID2")
    }

    func testEndpointResolution() throws {
        let env = [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_S3TABLES": "https://tables.example:8443/",
        ]
        XCTAssertEqual(
            try AWSEndpoint.resolve(service: "s3tables", region: "us-east-1", environment: env),
            AWSEndpoint(scheme: "https", host: "tables.example", port: 8443, isCustom: true))
        XCTAssertEqual(
            try AWSEndpoint.resolve(service: "glue", region: "us-east-1", environment: env),
            AWSEndpoint(scheme: "http", host: "127.0.0.1", port: 4566, isCustom: true))
        XCTAssertEqual(
            try AWSEndpoint.resolve(service: "glue", region: "eu-west-1", environment: [:]),
            AWSEndpoint(scheme: "https", host: "glue.eu-west-1.amazonaws.com"))
        XCTAssertEqual(
            try AWSEndpoint.resolve(service: "s3", region: "cn-north-1", environment: [:]).host,
            "s3.cn-north-1.amazonaws.com.cn")
        var ignoring = env
        ignoring["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        XCTAssertEqual(
            try AWSEndpoint.resolve(service: "glue", region: "us-east-1", environment: ignoring).host,
            "glue.us-east-1.amazonaws.com")
    }
}
