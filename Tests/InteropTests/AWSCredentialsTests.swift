import AWSTransport
import Foundation
import Synchronization
import TestSupport
import XCTest

/// The credential sources: environment, shared files with profiles, credential_process,
/// web identity and assumed roles through moto's STS, container and instance metadata
/// endpoints, and caching with refresh before expiry.
final class AWSCredentialsTests: XCTestCase {
    let http = HTTPTransport()

    func testWebIdentityAndAssumedRoleThroughSTS() async throws {
        let moto = try Moto(self, authenticated: false)
        let dir = try makeTemporaryDirectory(self)
        let tokenFile = dir.appendingPathComponent("token").path
        try "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZXJ2aWNlIn0.c2lnbmF0dXJl\n".write(
            toFile: tokenFile, atomically: true, encoding: .utf8)
        let env = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/lambda-writer",
            "AWS_ROLE_SESSION_NAME": "ingest", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": moto.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent",
        ]
        let c = try await DefaultCredentialsChain(environment: env, http: http).credentials()
        XCTAssertTrue(c.accessKeyId.hasPrefix("ASIA"), c.accessKeyId)
        XCTAssertNotNil(c.sessionToken)
        XCTAssertNotNil(c.expiration)

        // A profile with role_arn + source_profile assumes the role with the source's keys.
        let config = dir.appendingPathComponent("config").path
        try """
        [profile base]
        aws_access_key_id = AKIDBASE
        aws_secret_access_key = base-secret
        [profile writer]
        role_arn = arn:aws:iam::123456789012:role/writer
        source_profile = base
        region = us-east-1
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let profileEnv = [
            "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_ENDPOINT_URL_STS": moto.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        let assumed = try await DefaultCredentialsChain(environment: profileEnv, profile: "writer", http: http)
            .credentials()
        XCTAssertTrue(assumed.accessKeyId.hasPrefix("ASIA"), assumed.accessKeyId)
        XCTAssertNotEqual(assumed.accessKeyId, "AKIDBASE")
    }

    func testContainerAndInstanceMetadataEndpoints() async throws {
        let endpoint = try LoopbackPeer(self, command: "metadata-endpoint", arguments: ["container-auth-token"])
        let dir = try makeTemporaryDirectory(self)
        let tokenFile = dir.appendingPathComponent("token").path
        try "container-auth-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let base = ["AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]

        var env = base
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "\(endpoint.endpoint)/creds?role=ingest"
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile
        var c = try await DefaultCredentialsChain(environment: env, http: http).credentials()
        XCTAssertEqual(c.accessKeyId, "ASIACONTAINER")
        XCTAssertEqual(c.sessionToken, "container-token")

        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = nil
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong"
        do {
            _ = try await DefaultCredentialsChain(environment: env, http: http).credentials()
            XCTFail("a wrong container token was accepted")
        } catch let error as AWSError {
            XCTAssertTrue("\(error)".contains("403"), "\(error)")
        }

        var imds = base
        imds["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoint.endpoint
        c = try await DefaultCredentialsChain(environment: imds, http: http).credentials()
        XCTAssertEqual(
            c,
            AWSCredentials(
                accessKeyId: "ASIAIMDS", secretAccessKey: "imds-secret", sessionToken: "imds-token",
                expiration: c.expiration))
        XCTAssertNotNil(c.expiration)
    }

}
