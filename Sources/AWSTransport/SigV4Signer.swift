import Crypto
import ValueFormats

/// How the payload enters the signature.
public enum SigV4Payload: Sendable, Equatable {
    /// SHA-256 of the request body (S3 verifies it: an integrity check).
    case signed
    /// `UNSIGNED-PAYLOAD` (S3 only; the body is not covered by the signature). Honoured over
    /// https only; over http the payload is signed.
    case unsigned
}

/// AWS Signature Version 4.
///
/// Two canonical-URI rules: S3 signs the path exactly as sent (encoded once, no
/// normalisation); every other service (`s3tables`, `glue`, `sts`, …) normalises the path
/// (dot segments and empty segments removed) and encodes it a second time.
public struct SigV4Signer: Sendable {
    /// The signing name (`s3`, `s3tables`, `glue`, `sts`).
    public var service: String
    /// The region (`us-east-1`).
    public var region: String

    /// Creates a signer for a service and region.
    public init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    /// Whether the S3 rules apply (single-encoded path, `x-amz-content-sha256` always sent).
    public var isS3: Bool { service == "s3" || service == "s3-object-lambda" }

    /// Headers never signed (hop-by-hop or changed by proxies), as AWS SDKs do.
    static let unsignedHeaders: Set<String> = [
        "authorization", "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Signs a request in place: sets `X-Amz-Date`, `X-Amz-Security-Token` (with a session
    /// token), `X-Amz-Content-SHA256` (S3, or an unsigned payload) and `Authorization`.
    public func sign(
        _ request: inout HTTPRequest, credentials: AWSCredentials, date: AWSDate, payload: SigV4Payload = .signed
    ) {
        request.headers.removeAll {
            ["authorization", "x-amz-date", "x-amz-security-token"].contains($0.0.lowercased())
        }
        request.setHeader("X-Amz-Date", date.timestamp)
        if let token = credentials.sessionToken { request.setHeader("X-Amz-Security-Token", token) }
        // A payload hash the caller already set (computed once for an upload) is used as is.
        // Over plain http the payload is always signed, as AWS SDKs do.
        let unsigned = payload == .unsigned && request.scheme == "https"
        let payloadHash =
            request.header("X-Amz-Content-SHA256")
            ?? (unsigned ? "UNSIGNED-PAYLOAD" : Self.hexSHA256(request.body))
        if isS3 || unsigned { request.setHeader("X-Amz-Content-SHA256", payloadHash) }
        let parts = canonicalRequest(request, payloadHash: payloadHash)
        let signature = self.signature(canonicalRequest: parts.text, credentials: credentials, date: date)
        request.setHeader(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope(date)), SignedHeaders=\(parts.signedHeaders), Signature=\(signature)"
        )
    }

    /// A presigned URL valid for `expires` seconds: the signature travels in the query
    /// string, the payload is `UNSIGNED-PAYLOAD`, only `host` (and any given headers) is signed.
    public func presignedURL(_ request: HTTPRequest, credentials: AWSCredentials, date: AWSDate, expires: Int) -> String
    {
        var r = request
        r.headers.removeAll { $0.0.lowercased() == "authorization" }
        let signedHeaders = canonicalHeaders(r).signed
        r.query += [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(date))"),
            ("X-Amz-Date", date.timestamp),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken { r.query.append(("X-Amz-Security-Token", token)) }
        let parts = canonicalRequest(r, payloadHash: isS3 ? "UNSIGNED-PAYLOAD" : Self.hexSHA256(r.body))
        let signature = self.signature(canonicalRequest: parts.text, credentials: credentials, date: date)
        r.query.append(("X-Amz-Signature", signature))
        return r.url
    }

    /// The canonical request and the signed-header list.
    public func canonicalRequest(_ request: HTTPRequest, payloadHash: String) -> (text: String, signedHeaders: String) {
        let headers = canonicalHeaders(request)
        let text = [
            request.method.uppercased(),
            canonicalURI(request.path),
            Self.canonicalQuery(request.query),
            headers.canonical + "\n",
            headers.signed,
            payloadHash,
        ].joined(separator: "\n")
        return (text, headers.signed)
    }

    /// The canonical URI of a path as sent: S3 signs it unchanged; other services sign it
    /// normalised and encoded a second time.
    public func canonicalURI(_ path: String) -> String {
        if isS3 { return path }
        return URIEncoding.percentEncode(Self.removeDotSegments(path), keepSlash: true)
    }

    /// The string to sign for a canonical request.
    public func stringToSign(canonicalRequest: String, date: AWSDate) -> String {
        ["AWS4-HMAC-SHA256", date.timestamp, scope(date), Self.hexSHA256(Array(canonicalRequest.utf8))].joined(
            separator: "\n")
    }

    /// The hex signature of a canonical request.
    public func signature(canonicalRequest: String, credentials: AWSCredentials, date: AWSDate) -> String {
        let key = signingKey(secret: credentials.secretAccessKey, day: date.day)
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(stringToSign(canonicalRequest: canonicalRequest, date: date).utf8), using: key)
        return ByteText.hex(Array(mac))
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    public func scope(_ date: AWSDate) -> String { "\(date.day)/\(region)/\(service)/aws4_request" }

    func signingKey(secret: String, day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    func canonicalHeaders(_ request: HTTPRequest) -> (canonical: String, signed: String) {
        var values: [String: [String]] = [:]
        for (name, value) in request.headers {
            let lower = name.lowercased()
            if Self.unsignedHeaders.contains(lower) { continue }
            values[lower, default: []].append(Self.trimAll(value))
        }
        if values["host"] == nil { values["host"] = [request.hostHeader] }
        let names = values.keys.sorted()
        let canonical = names.map { "\($0):\(values[$0]!.joined(separator: ","))" }.joined(separator: "\n")
        return (canonical, names.joined(separator: ";"))
    }

    /// Query parameters encoded and sorted by name, then value.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (URIEncoding.percentEncode($0.0), URIEncoding.percentEncode($0.1)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Leading/trailing spaces removed, inner runs of whitespace collapsed to one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// RFC 3986 dot-segment removal; empty segments are dropped as AWS expects.
    static func removeDotSegments(_ path: String) -> String {
        if path.isEmpty { return "/" }
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !out.isEmpty { out.removeLast() }
                continue
            }
            out.append(segment)
        }
        let lead = path.hasPrefix("/") ? "/" : ""
        let trail = path.hasSuffix("/") && !out.isEmpty ? "/" : ""
        return lead + out.joined(separator: "/") + trail
    }

    /// Lowercase hex SHA-256.
    public static func hexSHA256(_ bytes: [UInt8]) -> String { ByteText.hex(Array(SHA256.hash(data: bytes))) }
}

/// A UTC instant in the two forms SigV4 uses.
public struct AWSDate: Sendable, Equatable {
    /// Seconds since the Unix epoch.
    public var epochSeconds: Int64

    /// Creates a date from seconds since the epoch.
    public init(epochSeconds: Int64) { self.epochSeconds = epochSeconds }

    /// Parses the `X-Amz-Date` form (`20261121T120000Z`).
    public init?(timestamp: String) {
        let b = Array(timestamp.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        let t = String(decoding: b, as: UTF8.self)
        func part(_ from: Int, _ len: Int) -> Substring { t.dropFirst(from).prefix(len) }
        let iso = "\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(9, 2)):\(part(11, 2)):\(part(13, 2))Z"
        guard let seconds = TemporalValues.epochSeconds(iso8601: iso) else { return nil }
        epochSeconds = seconds
    }

    /// The current time.
    public static func now() -> AWSDate { AWSDate(epochSeconds: Int64(WallClock.nowSeconds())) }

    /// `YYYYMMDDTHHMMSSZ`.
    public var timestamp: String {
        let c = TemporalValues.civil(epochSeconds: epochSeconds)
        return zeroPadded(c.year, 4) + zeroPadded(c.month, 2) + zeroPadded(c.day, 2) + "T" + zeroPadded(c.hour, 2)
            + zeroPadded(c.minute, 2) + zeroPadded(c.second, 2) + "Z"
    }

    /// `YYYYMMDD`.
    public var day: String { String(timestamp.prefix(8)) }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var iso8601: String {
        let t = Array(timestamp)
        return
            "\(String(t[0..<4]))-\(String(t[4..<6]))-\(String(t[6..<8]))T\(String(t[9..<11])):\(String(t[11..<13])):\(String(t[13..<15]))Z"
    }
}

/// Signs requests with SigV4 for one service and region, with credentials fetched from a
/// provider for each request (an `HTTPRequestSigner`, as a REST catalog client takes one).
public struct SigV4RequestSigner: HTTPRequestSigner {
    /// The signing name (`s3tables`, `glue`, `execute-api`).
    public var signingName: String
    /// The region.
    public var region: String
    /// Where credentials come from.
    public var credentials: any AWSCredentialsProvider

    /// Creates a signer.
    public init(signingName: String, region: String, credentials: any AWSCredentialsProvider) {
        self.signingName = signingName
        self.region = region
        self.credentials = credentials
    }

    /// Signs `request` with the provider's current credentials.
    public func sign(_ request: inout HTTPRequest) async throws {
        let current = try await credentials.credentials()
        SigV4Signer(service: signingName, region: region).sign(&request, credentials: current, date: .now())
    }
}
