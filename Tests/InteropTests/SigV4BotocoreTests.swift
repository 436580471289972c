import AWSTransport
import Foundation
import JSONSupport
import TestSupport
import XCTest

/// Our SigV4 signer against botocore's on a corpus of requests: the canonical request, the
/// signature, the Authorization header and presigned URLs must be byte for byte equal.
final class SigV4BotocoreTests: XCTestCase {
    struct Case {
        var service: String
        var method: String
        var scheme = "https"
        var host: String
        var port: Int? = nil
        var pathTemplate: String
        var pathParams: [(String, String)] = []
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var token: String? = nil
        var unsignedPayload = false
        var presignExpires: Int? = nil
        var region = "us-east-1"
    }

    static let arn = "arn:aws:s3tables:us-east-1:123456789012:bucket/my-table-bucket"

    func corpus() -> [Case] {
        var rng = SplitMix64(seed: 7)
        let large = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let token = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMSJHMEUCIQD+/session=="
        return [
            Case(
                service: "s3", method: "PUT", host: "s3.us-east-1.amazonaws.com", pathTemplate: "/{Bucket}/{Key+}",
                pathParams: [("Bucket", "my-bucket"), ("Key", "data/a b+c/ünï©ode ✓.parquet")],
                body: Array("hello".utf8)),
            Case(
                service: "s3", method: "GET", host: "my-bucket.s3.eu-west-1.amazonaws.com", pathTemplate: "/{Key+}",
                pathParams: [("Key", "warehouse/db/t/metadata/00001-x.metadata.json")],
                headers: [("Range", "bytes=0-99")],
                token: token, region: "eu-west-1"),
            Case(
                service: "s3", method: "GET", host: "s3.us-east-1.amazonaws.com", pathTemplate: "/{Bucket}",
                pathParams: [("Bucket", "my-bucket")],
                query: [
                    ("list-type", "2"), ("prefix", "a b/c+d/é"), ("continuation-token", "1/ab==+x"), ("max-keys", "10"),
                ]),
            Case(
                service: "s3", method: "POST", host: "s3.us-east-1.amazonaws.com", pathTemplate: "/{Bucket}",
                pathParams: [("Bucket", "my-bucket")], query: [("delete", "")],
                headers: [("Content-Type", "application/xml"), ("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")],
                body: Array("<Delete><Object><Key>a b</Key></Object></Delete>".utf8)),
            Case(
                service: "s3", method: "PUT", host: "s3.us-east-1.amazonaws.com", pathTemplate: "/{Bucket}/{Key+}",
                pathParams: [("Bucket", "big"), ("Key", "part one")],
                query: [("partNumber", "3"), ("uploadId", "a/b+c=")], body: large),
            Case(
                service: "s3", method: "PUT", scheme: "http", host: "127.0.0.1", port: 9000,
                pathTemplate: "/{Bucket}/{Key+}",
                pathParams: [("Bucket", "local"), ("Key", "k")], body: Array("x".utf8), unsignedPayload: true),
            Case(
                service: "s3", method: "GET", host: "s3.us-east-1.amazonaws.com", pathTemplate: "/{Bucket}/{Key+}",
                pathParams: [("Bucket", "my-bucket"), ("Key", "reports/2026 q4+final.parquet")], token: token,
                presignExpires: 900),
            Case(
                service: "s3tables", method: "GET", host: "s3tables.us-east-1.amazonaws.com",
                pathTemplate: "/tables/{tableBucketARN}/{namespace}/{name}/metadata-location",
                pathParams: [("tableBucketARN", Self.arn), ("namespace", "sales_ns"), ("name", "events")]),
            Case(
                service: "s3tables", method: "PUT", host: "s3tables.us-east-1.amazonaws.com",
                pathTemplate: "/tables/{tableBucketARN}/{namespace}/{name}/metadata-location",
                pathParams: [("tableBucketARN", Self.arn), ("namespace", "sales_ns"), ("name", "events")],
                headers: [("Content-Type", "application/json")],
                body: Array(
                    #"{"versionToken":"abc","metadataLocation":"s3://x--table-s3/metadata/00001-a.metadata.json"}"#.utf8
                ), token: token),
            Case(
                service: "s3tables", method: "GET", host: "s3tables.us-east-1.amazonaws.com",
                pathTemplate: "/get-table",
                query: [("tableBucketARN", Self.arn), ("namespace", "sales_ns"), ("name", "events")]),
            Case(
                service: "s3tables", method: "GET", host: "s3tables.us-east-1.amazonaws.com",
                pathTemplate: "/iceberg/v1/{prefix}/namespaces",
                pathParams: [("prefix", Self.arn)], query: [("pageToken", "a b")]),
            Case(
                service: "glue", method: "POST", host: "glue.eu-central-1.amazonaws.com", pathTemplate: "/",
                headers: [
                    ("X-Amz-Target", "AWSGlue.GetTable"), ("Content-Type", "application/x-amz-json-1.1"),
                    ("X-Custom", "  a   b  "),
                ],
                body: Array(#"{"DatabaseName":"db","Name":"t"}"#.utf8), region: "eu-central-1"),
            Case(
                service: "glue", method: "GET", host: "glue.us-east-1.amazonaws.com",
                pathTemplate: "/iceberg/v1/catalogs/{id}/namespaces/{ns}",
                pathParams: [("id", "123456789012:s3tablescatalog/bkt"), ("ns", "a\u{1F}b")]),
            Case(
                service: "glue", method: "GET", host: "glue.us-east-1.amazonaws.com", pathTemplate: "/x/./y//z/../w/",
                token: token),
            Case(
                service: "sts", method: "POST", host: "sts.amazonaws.com", pathTemplate: "/",
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: Array("Action=AssumeRole&Version=2011-06-15".utf8)),
            Case(
                service: "s3tables", method: "DELETE", host: "s3tables.us-east-1.amazonaws.com",
                pathTemplate: "/tables/{a}/{b}/{c}",
                pathParams: [("a", Self.arn), ("b", "ns"), ("c", "t")], query: [("versionToken", "v1")],
                presignExpires: 60),
        ]
    }

    func testSignaturesEqualBotocore() throws {
        let credentials = (id: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let timestamp = "20261121T123456Z"
        let date = AWSDate(epochSeconds: 1_795_264_496)
        XCTAssertEqual(date.timestamp, timestamp)
        let cases = corpus()
        let input: [JSONValue] = cases.map { c in
            var o: [(String, JSONValue)] = [
                ("service", .string(c.service)), ("method", .string(c.method)), ("scheme", .string(c.scheme)),
                ("host", .string(c.port.map { "\(c.host):\($0)" } ?? c.host)), ("region", .string(c.region)),
                ("path_template", .string(c.pathTemplate)),
                ("path_params", .object(c.pathParams.map { ($0.0, .string($0.1)) })),
                ("query", .array(c.query.map { .array([.string($0.0), .string($0.1)]) })),
                ("headers", .array(c.headers.map { .array([.string($0.0), .string($0.1)]) })),
                ("body_hex", .string(c.body.map { String(format: "%02x", $0) }.joined())),
                ("access_key", .string(credentials.id)), ("secret_key", .string(credentials.secret)),
                ("timestamp", .string(timestamp)), ("unsigned_payload", .bool(c.unsignedPayload)),
            ]
            if let t = c.token { o.append(("token", .string(t))) }
            if let e = c.presignExpires { o.append(("presign_expires", .int(Int64(e)))) }
            return .object(o)
        }
        let output = try PythonPeer.run(
            script: "aws_peer.py", ["sign"], input: Data(JSONValue.array(input).serializedBytes()))
        guard case .array(let expected) = try JSONValue.parse(String(decoding: output, as: UTF8.self)) else {
            return XCTFail("no results")
        }
        XCTAssertEqual(expected.count, cases.count)

        for (i, (c, peer)) in zip(cases, expected).enumerated() {
            var path = c.pathTemplate
            for (name, value) in c.pathParams {
                path = path.replacingOccurrences(of: "{\(name)+}", with: HTTPRequest.keyPath(value))
                path = path.replacingOccurrences(of: "{\(name)}", with: HTTPRequest.pathSegment(value))
            }
            var request = HTTPRequest(
                method: c.method, scheme: c.scheme, host: c.host, port: c.port, path: path,
                query: c.query, headers: c.headers, body: c.body)
            let creds = AWSCredentials(
                accessKeyId: credentials.id, secretAccessKey: credentials.secret, sessionToken: c.token)
            let signer = SigV4Signer(service: c.service, region: c.region)
            let label = "case \(i) (\(c.service) \(c.method) \(c.pathTemplate))"
            if let expires = c.presignExpires {
                let url = signer.presignedURL(request, credentials: creds, date: date, expires: expires)
                XCTAssertEqual(url, peer["url"]?.stringValue, label)
                continue
            }
            signer.sign(&request, credentials: creds, date: date, payload: c.unsignedPayload ? .unsigned : .signed)
            let canonical = signer.canonicalRequest(
                request, payloadHash: request.header("X-Amz-Content-SHA256") ?? SigV4Signer.hexSHA256(c.body))
            XCTAssertEqual(canonical.text, peer["canonical"]?.stringValue, label)
            XCTAssertEqual(request.header("Authorization"), peer["authorization"]?.stringValue, label)
            // The path as sent must match; query values may differ in how a space is written
            // on the wire (`%20` here, `+` from botocore's form encoding), both meaning a space.
            XCTAssertEqual(
                request.url.split(separator: "?").first, peer["url"]?.stringValue?.split(separator: "?").first, label)
        }
    }

    /// The canonical URI rules spelled out: S3 keeps the path as sent; other services
    /// normalise and encode it again (so `%3A` becomes `%253A`).
    func testCanonicalURIRules() {
        let path = "/tables/" + HTTPRequest.pathSegment(Self.arn) + "/ns/t"
        XCTAssertEqual(path, "/tables/arn%3Aaws%3As3tables%3Aus-east-1%3A123456789012%3Abucket%2Fmy-table-bucket/ns/t")
        XCTAssertEqual(
            SigV4Signer(service: "s3tables", region: "us-east-1").canonicalURI(path),
            "/tables/arn%253Aaws%253As3tables%253Aus-east-1%253A123456789012%253Abucket%252Fmy-table-bucket/ns/t")
        XCTAssertEqual(SigV4Signer(service: "s3", region: "us-east-1").canonicalURI("/b/a//./c%20d"), "/b/a//./c%20d")
        XCTAssertEqual(SigV4Signer(service: "glue", region: "us-east-1").canonicalURI("/a//./b/../c"), "/a/c")
    }

    /// Credentials and errors never print the secret or the session token.
    func testSecretsAreRedacted() {
        let c = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "SECRET-VALUE", sessionToken: "TOKEN-VALUE")
        XCTAssertFalse("\(c)".contains("SECRET-VALUE"))
        XCTAssertFalse("\(c)".contains("TOKEN-VALUE"))
        XCTAssertTrue("\(c)".contains("AKIDEXAMPLE"))
    }
}
