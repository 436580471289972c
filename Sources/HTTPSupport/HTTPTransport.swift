import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// An HTTP response: status, headers and the whole body.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header names and values.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends HTTP requests (no signing, no retries): the one place the SDK talks to the network.
/// Backed by one process-wide AsyncHTTPClient that never follows redirects and never
/// decompresses, so what a server sends is what callers see.
public struct HTTPTransport: Sendable {
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int
    /// Answers requests in-process instead of the network (nil: the network).
    private let answer: (@Sendable (HTTPRequest) async throws -> HTTPResponse)?

    /// Creates a client.
    public init(maxResponseBytes: Int = 1 << 31) {
        self.maxResponseBytes = maxResponseBytes
        answer = nil
    }

    /// A transport that hands every request to `answer` instead of sending it: for replaying
    /// answers recorded from a real service, with every request the caller builds checked.
    public init(answering answer: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        maxResponseBytes = 1 << 31
        self.answer = answer
    }

    /// Sends a request and reads the whole response within `timeout` seconds.
    /// Connection failures and timeouts throw `HTTPNetworkError` naming the host.
    public func send(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        if let answer { return try await answer(request) }
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method.uppercased())
        for (name, value) in request.headers where name.lowercased() != "host" {
            r.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty || ["PUT", "POST"].contains(request.method.uppercased()) {
            r.body = .bytes(ByteBuffer(bytes: request.body))
        }
        do {
            let response = try await sharedHTTPClient.execute(r, timeout: .milliseconds(Int64(timeout * 1000)))
            var buffer = try await response.body.collect(upTo: maxResponseBytes)
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            return HTTPResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            throw HTTPNetworkError("\(request.method) \(request.scheme)://\(request.hostHeader): timed out (\(error))")
        } catch {
            throw HTTPNetworkError("\(request.method) \(request.scheme)://\(request.hostHeader): \(error)")
        }
    }
}

/// One client for the whole process (like `HTTPClient.shared`, but without redirects or
/// decompression); it lives as long as the process and is never shut down.
private let sharedHTTPClient: HTTPClient = {
    var config = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: .init(connect: .seconds(10), read: .seconds(120)),
        decompression: .disabled
    )
    config.connectionPool = .init(idleTimeout: .seconds(60))
    config.httpVersion = .http1Only
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
}()

/// An HTTP request: the parts a signature covers, and the body.
///
/// `path` is the path as sent, percent-encoded once (`/my%20bucket/a%2Bb.parquet`,
/// `/tables/arn%3Aaws%3A…%2Fbkt/ns/t`): build it with `pathSegment(_:)` for values that may
/// hold a slash and `keyPath(_:)` for S3 keys. `query` holds decoded names and values.
public struct HTTPRequest: Sendable {
    /// `GET`, `PUT`, `POST`, `DELETE`, `HEAD`.
    public var method: String
    /// `http` or `https`.
    public var scheme: String
    /// Host name (no port).
    public var host: String
    /// Port, or nil for the scheme's default.
    public var port: Int?
    /// The percent-encoded path, starting with `/`.
    public var path: String
    /// Decoded query parameters, in any order.
    public var query: [(String, String)]
    /// Header names and values (names in any case).
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a request.
    public init(
        method: String, scheme: String = "https", host: String, port: Int? = nil, path: String,
        query: [(String, String)] = [], headers: [(String, String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The `Host` header value: the host, with the port unless it is the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// One path segment encoded (every byte but `A-Z a-z 0-9 - _ . ~`; a `/` inside is encoded too).
    public static func pathSegment(_ value: String) -> String { URIEncoding.percentEncode(value) }

    /// An S3 key encoded for a path: every byte but unreserved characters and `/`.
    public static func keyPath(_ key: String) -> String { URIEncoding.percentEncode(key, keepSlash: true) }

    /// The query as sent (`a=1&b=x%20y`), in the given order.
    public var encodedQuery: String {
        query.map { URIEncoding.percentEncode($0.0) + "=" + URIEncoding.percentEncode($0.1) }.joined(separator: "&")
    }

    /// The full URL as sent.
    public var url: String {
        let q = query.isEmpty ? "" : "?" + encodedQuery
        return "\(scheme)://\(hostHeader)\(path)\(q)"
    }

    /// The first value of a header (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }

    /// Sets a header, replacing any value of the same name.
    public mutating func setHeader(_ name: String, _ value: String) {
        let lower = name.lowercased()
        headers.removeAll { $0.0.lowercased() == lower }
        headers.append((name, value))
    }
}

/// RFC 3986 percent-encoding (unreserved characters kept), as URIs and signatures need it.
public enum URIEncoding {
    /// Percent-encodes UTF-8 bytes except the unreserved set `A-Z a-z 0-9 - _ . ~` (and `/` if kept).
    public static func percentEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hexDigits = Array("0123456789ABCDEF".utf8)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`, as forms do); nil if an
    /// escape is broken or the bytes are not UTF-8.
    public static func percentDecode(_ text: some StringProtocol, plusIsSpace: Bool = false) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var rest = Array(text.utf8)[...]
        while let b = rest.popFirst() {
            if b == UInt8(ascii: "%") {
                guard rest.count >= 2, let high = hexValue(rest[rest.startIndex]),
                    let low = hexValue(rest[rest.startIndex + 1])
                else { return nil }
                out.append(high << 4 | low)
                rest = rest.dropFirst(2)
            } else if b == UInt8(ascii: "+"), plusIsSpace {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
