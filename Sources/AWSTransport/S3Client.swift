import Crypto
import ValueFormats

/// An object listed by `listObjects`.
public struct S3Object: Sendable, Equatable {
    /// The key.
    public var key: String
    /// Size in bytes.
    public var size: Int
    /// When it was last written, in seconds since the epoch (nil if the listing did not say).
    public var lastModified: Int64? = nil
}

/// The S3 operations Iceberg needs: ranged GET, PUT (optionally only if absent), HEAD,
/// batch DELETE, LIST by prefix, and multipart uploads. Every upload's payload is signed with
/// its SHA-256 (S3 rejects a body that does not match) and carries `x-amz-checksum-sha256`,
/// which S3 stores with the object.
public struct S3Client: Sendable {
    /// The service client (signing name `s3`).
    public let client: AWSServiceClient
    /// Path-style (`host/bucket/key`) rather than virtual-hosted (`bucket.host/key`) addressing.
    public let pathStyle: Bool

    /// Creates a client. Addressing is path-style for custom endpoints unless `pathStyle`
    /// says otherwise, and virtual-hosted for AWS (path-style for bucket names with dots).
    public init(
        region: String, credentials: AWSCredentialsProvider, endpoint: AWSEndpoint? = nil,
        environment: [String: String] = AWSEnvironment.current(), pathStyle: Bool? = nil,
        http: HTTPTransport = HTTPTransport(), retry: AWSRetryPolicy? = nil
    ) throws {
        let resolved = try endpoint ?? AWSEndpoint.resolve(service: "s3", region: region, environment: environment)
        client = AWSServiceClient(
            signingName: "s3", region: region, endpoint: resolved, credentials: credentials, http: http,
            retry: retry ?? .standard(environment: environment))
        self.pathStyle = pathStyle ?? resolved.isCustom
    }

    /// Creates a client from a configured service client.
    public init(client: AWSServiceClient, pathStyle: Bool) {
        self.client = client
        self.pathStyle = pathStyle
    }

    /// The request for a bucket and key (key without a leading slash; empty for the bucket
    /// itself, which path-style addresses as `/bucket`, as botocore does).
    public func request(
        _ method: String, bucket: String, key: String = "", query: [(String, String)] = [],
        headers: [(String, String)] = [], body: [UInt8] = []
    ) -> HTTPRequest {
        if pathStyle || bucket.contains(".") {
            let path = "/\(HTTPRequest.pathSegment(bucket))" + (key.isEmpty ? "" : "/\(HTTPRequest.keyPath(key))")
            return client.request(method: method, path: path, query: query, headers: headers, body: body)
        }
        return client.request(
            method: method, host: "\(bucket).\(client.endpoint.host)", path: "/\(HTTPRequest.keyPath(key))",
            query: query, headers: headers, body: body)
    }

    /// Creates a bucket in the client's region.
    public func createBucket(_ bucket: String) async throws {
        var body: [UInt8] = []
        if client.region != "us-east-1" {
            body = Array(
                #"<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>\#(client.region)</LocationConstraint></CreateBucketConfiguration>"#
                    .utf8)
        }
        _ = try await client.send(request("PUT", bucket: bucket, body: body), operation: "CreateBucket s3://\(bucket)")
    }

    /// Reads an object, or `range` of it (byte offsets, end exclusive).
    public func getObject(bucket: String, key: String, range: Range<Int>? = nil) async throws -> [UInt8] {
        var headers: [(String, String)] = []
        if let range {
            if range.isEmpty { return [] }
            headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
        }
        let response = try await client.send(
            request("GET", bucket: bucket, key: key, headers: headers), operation: "GetObject s3://\(bucket)/\(key)")
        if let range, response.body.count != range.count {
            throw AWSError.invalidResponse(
                "s3 GetObject s3://\(bucket)/\(key): asked for \(range.count) bytes at \(range.lowerBound), got \(response.body.count)"
            )
        }
        if let length = response.header("Content-Length").flatMap({ Int($0) }), length != response.body.count {
            throw AWSError.invalidResponse(
                "s3 GetObject s3://\(bucket)/\(key): Content-Length \(length) but \(response.body.count) bytes arrived")
        }
        return response.body
    }

    /// The first `count` bytes of an object (all of it if shorter) and the object's size, from
    /// one ranged GET — no HEAD first. A missing object throws a `NoSuchKey` service error.
    public func getObjectPrefix(bucket: String, key: String, count: Int) async throws -> (bytes: [UInt8], size: Int) {
        try await getObjectPart(bucket: bucket, key: key, range: "bytes=0-\(max(count, 1) - 1)", count: count)
    }

    /// The last `count` bytes of an object (all of it if shorter) and the object's size, from
    /// one suffix-range GET. A missing object throws a `NoSuchKey` service error.
    public func getObjectSuffix(bucket: String, key: String, count: Int) async throws -> (bytes: [UInt8], size: Int) {
        try await getObjectPart(bucket: bucket, key: key, range: "bytes=-\(max(count, 1))", count: count)
    }

    /// One GET of a `Range` of at most `count` bytes, with the object's size from Content-Range.
    private func getObjectPart(bucket: String, key: String, range: String, count: Int) async throws -> (
        bytes: [UInt8], size: Int
    ) {
        let operation = "GetObject s3://\(bucket)/\(key)"
        let response = try await client.send(
            request("GET", bucket: bucket, key: key, headers: [("Range", range)]), operation: operation,
            accepting: [416])
        // 416: a range cannot be satisfied by an empty object.
        if response.status == 416 { return ([], 0) }
        if let length = response.header("Content-Length").flatMap({ Int($0) }), length != response.body.count {
            throw AWSError.invalidResponse(
                "s3 \(operation): Content-Length \(length) but \(response.body.count) bytes arrived")
        }
        // A status other than 206: the range was ignored and the whole object came back.
        guard response.status == 206 else { return (response.body, response.body.count) }
        guard let total = response.header("Content-Range")?.split(separator: "/").last.flatMap({ Int($0) }),
            total >= response.body.count, response.body.count == min(count, total)
        else {
            throw AWSError.invalidResponse(
                "s3 \(operation): unexpected Content-Range '\(response.header("Content-Range") ?? "")' for \(response.body.count) bytes"
            )
        }
        return (response.body, total)
    }

    /// The size of an object, or nil if it does not exist.
    public func headObject(bucket: String, key: String) async throws -> Int? {
        let response = try await client.send(
            request("HEAD", bucket: bucket, key: key), operation: "HeadObject s3://\(bucket)/\(key)", accepting: [404])
        if response.status == 404 { return nil }
        guard let size = response.header("Content-Length").flatMap({ Int($0) }) else {
            throw AWSError.invalidResponse("s3 HeadObject s3://\(bucket)/\(key): no Content-Length")
        }
        return size
    }

    /// Writes an object. With `ifNoneMatch`, only if no object exists at the key
    /// (S3 conditional write); an existing object throws a `PreconditionFailed` service error.
    public func putObject(
        bucket: String, key: String, body: [UInt8], ifNoneMatch: Bool = false, contentType: String? = nil
    ) async throws {
        var headers = Self.integrityHeaders(body)
        if ifNoneMatch { headers.append(("If-None-Match", "*")) }
        if let contentType { headers.append(("Content-Type", contentType)) }
        _ = try await client.send(
            request("PUT", bucket: bucket, key: key, headers: headers, body: body),
            operation: "PutObject s3://\(bucket)/\(key)")
    }

    /// Deletes keys in batches of 1000 (`DeleteObjects`); missing keys are not errors.
    /// Throws naming the first key S3 could not delete.
    public func deleteObjects(bucket: String, keys: [String]) async throws {
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1000, keys.count)]
            start += batch.count
            var xml =
                #"<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>"#
            for k in batch { xml += "<Object><Key>\(xmlEscape(k))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            let md5 = Base64.encode(Array(Insecure.MD5.hash(data: body)))
            let headers = Self.integrityHeaders(body) + [("Content-MD5", md5), ("Content-Type", "application/xml")]
            let response = try await client.send(
                request("POST", bucket: bucket, query: [("delete", "")], headers: headers, body: body),
                operation: "DeleteObjects s3://\(bucket)")
            if !response.body.isEmpty, let result = try? XMLNode.parse(response.body),
                let failed = result.child("Error")
            {
                throw AWSError.service(
                    .init(
                        service: "s3", operation: "DeleteObjects s3://\(bucket)/\(failed.text("Key") ?? "")",
                        status: response.status, code: failed.text("Code") ?? "Error",
                        message: failed.text("Message") ?? "", requestId: nil))
            }
        }
    }

    /// Deletes one object (no error if absent).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await client.send(
            request("DELETE", bucket: bucket, key: key), operation: "DeleteObject s3://\(bucket)/\(key)",
            accepting: [404])
    }

    /// Every object under a prefix (`ListObjectsV2`, all pages). Keys come URL-encoded
    /// (`encoding-type=url`, as botocore asks), so a key with characters XML cannot carry still lists.
    public func listObjects(bucket: String, prefix: String) async throws -> [S3Object] {
        var out: [S3Object] = []
        var token: String?
        let operation = "ListObjectsV2 s3://\(bucket)/\(prefix)"
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let t = token { query.append(("continuation-token", t)) }
            query.append(("encoding-type", "url"))
            let response = try await client.send(request("GET", bucket: bucket, query: query), operation: operation)
            let xml = try XMLNode.parse(response.body)
            let encoded = xml.text("EncodingType") == "url"
            for c in xml.children("Contents") {
                guard let text = c.text("Key") else { continue }
                guard let key = encoded ? URIEncoding.percentDecode(text) : text else {
                    throw AWSError.invalidResponse("s3 \(operation): key '\(text)' is not URL-encoded UTF-8")
                }
                out.append(
                    S3Object(
                        key: key, size: c.text("Size").flatMap { Int($0) } ?? 0,
                        lastModified: c.text("LastModified").flatMap(TemporalValues.epochSeconds(iso8601:))))
            }
            token = xml.text("IsTruncated") == "true" ? xml.text("NextContinuationToken") : nil
        } while token != nil
        return out
    }

    /// Starts a multipart upload and returns its id.
    public func createMultipartUpload(bucket: String, key: String) async throws -> String {
        let response = try await client.send(
            request("POST", bucket: bucket, key: key, query: [("uploads", "")]),
            operation: "CreateMultipartUpload s3://\(bucket)/\(key)")
        guard let id = try XMLNode.parse(response.body).text("UploadId") else {
            throw AWSError.invalidResponse("s3 CreateMultipartUpload s3://\(bucket)/\(key): no UploadId")
        }
        return id
    }

    /// Uploads one part (numbers from 1; every part but the last ≥ 5 MiB) and returns its ETag.
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: [UInt8]) async throws
        -> String
    {
        let headers = [("X-Amz-Content-SHA256", SigV4Signer.hexSHA256(body))]
        let response = try await client.send(
            request(
                "PUT", bucket: bucket, key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadId)],
                headers: headers, body: body),
            operation: "UploadPart \(partNumber) s3://\(bucket)/\(key)")
        guard let etag = response.header("ETag") else {
            throw AWSError.invalidResponse("s3 UploadPart s3://\(bucket)/\(key): no ETag")
        }
        return etag
    }

    /// Completes a multipart upload from its parts' ETags (in part order).
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, etags: [String]) async throws {
        var xml = #"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        for (i, e) in etags.enumerated() {
            xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(xmlEscape(e))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await client.send(
            request("POST", bucket: bucket, key: key, query: [("uploadId", uploadId)], body: Array(xml.utf8)),
            operation: "CompleteMultipartUpload s3://\(bucket)/\(key)")
        // S3 may answer 200 with an error document when completion fails late.
        if let doc = try? XMLNode.parse(response.body), doc.name == "Error" {
            throw AWSError.service(
                .init(
                    service: "s3", operation: "CompleteMultipartUpload s3://\(bucket)/\(key)", status: response.status,
                    code: doc.text("Code") ?? "Error", message: doc.text("Message") ?? "",
                    requestId: doc.text("RequestId")))
        }
    }

    /// Aborts a multipart upload, discarding its parts.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        _ = try await client.send(
            request("DELETE", bucket: bucket, key: key, query: [("uploadId", uploadId)]),
            operation: "AbortMultipartUpload s3://\(bucket)/\(key)", accepting: [404])
    }

    /// A presigned GET URL for an object, valid `expires` seconds.
    public func presignedGetURL(bucket: String, key: String, expires: Int = 3600) async throws -> String {
        guard let provider = client.credentials else { throw AWSError.credentials("no credentials to presign with") }
        let creds = try await provider.credentials()
        return SigV4Signer(service: "s3", region: client.region).presignedURL(
            request("GET", bucket: bucket, key: key), credentials: creds,
            date: .now(), expires: expires)
    }

    /// The payload hash (hex, for the signature) and the stored checksum (base64) of a body.
    static func integrityHeaders(_ body: [UInt8]) -> [(String, String)] {
        let digest = Array(SHA256.hash(data: body))
        return [("X-Amz-Content-SHA256", ByteText.hex(digest)), ("x-amz-checksum-sha256", Base64.encode(digest))]
    }
}

/// Standard base64 (with padding).
public enum Base64 {
    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64 (padding optional, whitespace not allowed); nil if malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - 48 + 52)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }
}
