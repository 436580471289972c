import Crypto
import ValueFormats

/// Checks SigV4 `Authorization` headers on requests a server receives (the other side of
/// `SigV4Signer`): same canonical request, signature compared in constant time, clock skew
/// limited as AWS does (15 minutes).
public struct SigV4Verifier: Sendable {
    /// The region and service requests must be signed for.
    public var signer: SigV4Signer
    /// Secret keys by access key id.
    public var secrets: [String: String]
    /// Allowed clock difference in seconds.
    public var maxSkewSeconds: Int64 = 900

    /// Creates a verifier.
    public init(service: String, region: String, secrets: [String: String]) {
        signer = SigV4Signer(service: service, region: region)
        self.secrets = secrets
    }

    /// Why a request was refused; the messages name no secret.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// No or malformed `Authorization` header.
        case missing
        /// Malformed header or scope.
        case malformed(String)
        /// The access key is not known.
        case unknownKey(String)
        /// The request time is too far from now.
        case expired
        /// The signature does not match.
        case mismatch

        /// A readable explanation.
        public var description: String {
            switch self {
            case .missing: return "missing SigV4 Authorization header"
            case .malformed(let m): return "malformed SigV4 Authorization: \(m)"
            case .unknownKey(let k): return "unknown access key \(k)"
            case .expired: return "the request time is outside the allowed skew"
            case .mismatch: return "the request signature does not match"
            }
        }
    }

    /// Verifies a request as received: `path` encoded as sent, `query` decoded pairs,
    /// `headers` as sent. Returns the access key id.
    public func verify(
        method: String, path: String, query: [(String, String)], headers: [(String, String)],
        body: [UInt8], now: Int64 = Int64(WallClock.nowSeconds())
    ) throws -> String {
        try check(method: method, path: path, query: query, headers: headers, body: body, now: now).accessKeyId
    }

    /// Checks what can be checked before the body arrives: the header's form, the scope, the
    /// key and the time — and the signature itself when the request states its payload hash
    /// (`x-amz-content-sha256`). A server refuses bad credentials without reading the body;
    /// `verify` must still be called once it has arrived.
    public func verifyHead(
        method: String, path: String, query: [(String, String)], headers: [(String, String)],
        now: Int64 = Int64(WallClock.nowSeconds())
    ) throws -> (accessKeyId: String, signatureChecked: Bool) {
        try check(method: method, path: path, query: query, headers: headers, body: nil, now: now)
    }

    private func check(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], body: [UInt8]?,
        now: Int64
    ) throws -> (accessKeyId: String, signatureChecked: Bool) {
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        guard let auth = header("authorization"), auth.hasPrefix("AWS4-HMAC-SHA256 ") else { throw Failure.missing }
        var fields: [String: String] = [:]
        for part in auth.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let kv = part.trimmingSpaces.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let credential = fields["Credential"], let signedList = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw Failure.malformed("Credential, SignedHeaders and Signature are required")
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else { throw Failure.malformed("bad credential scope") }
        guard scope[2] == signer.region, scope[3] == signer.service else {
            throw Failure.malformed("signed for \(scope[2])/\(scope[3]), expected \(signer.region)/\(signer.service)")
        }
        guard let secret = secrets[scope[0]] else { throw Failure.unknownKey(scope[0]) }
        guard let stamp = header("x-amz-date"), let date = AWSDate(timestamp: stamp), stamp.hasPrefix(scope[1]) else {
            throw Failure.malformed("missing or inconsistent X-Amz-Date")
        }
        guard abs(date.epochSeconds - now) <= maxSkewSeconds else { throw Failure.expired }
        let signed = Set(signedList.split(separator: ";").map(String.init))
        guard signed.contains("host") else { throw Failure.malformed("the host header must be signed") }
        let stated = header("x-amz-content-sha256")
        guard let payloadHash = stated ?? body.map(SigV4Signer.hexSHA256) else {
            return (scope[0], false)  // the hash of a body yet to come is part of the signature
        }
        if let body, payloadHash != "UNSIGNED-PAYLOAD", payloadHash != SigV4Signer.hexSHA256(body) {
            throw Failure.mismatch
        }
        var request = HTTPRequest(
            method: method, host: "", path: path, query: query,
            headers: headers.filter { signed.contains($0.0.lowercased()) }, body: [])
        request.path = path
        let canonical = signer.canonicalRequest(request, payloadHash: payloadHash)
        guard canonical.signedHeaders == signedList else {
            throw Failure.malformed("signed headers are missing from the request")
        }
        let expected = signer.signature(
            canonicalRequest: canonical.text,
            credentials: AWSCredentials(accessKeyId: scope[0], secretAccessKey: secret), date: date)
        guard Self.constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) else { throw Failure.mismatch }
        return (scope[0], true)
    }

    /// Byte equality whose time does not depend on where the inputs differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
