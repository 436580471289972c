import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// An HTTP response: status, headers and the whole body.
public struct AWSResponse: Sendable {
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

/// Sends HTTP requests (no signing, no retries): the one place this package talks to the
/// network. Backed by one process-wide AsyncHTTPClient that never follows redirects and never
/// decompresses, so what AWS sends is what callers see.
public struct AWSHTTPClient: Sendable {
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int

    /// Creates a client.
    public init(maxResponseBytes: Int = 1 << 31) {
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends a request and reads the whole response within `timeout` seconds.
    /// Connection failures and timeouts throw `AWSError.network` naming the host.
    public func send(_ request: AWSRequest, timeout: Double) async throws -> AWSResponse {
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method.uppercased())
        for (name, value) in request.headers where name.lowercased() != "host" { r.headers.add(name: name, value: value) }
        if !request.body.isEmpty || ["PUT", "POST"].contains(request.method.uppercased()) {
            r.body = .bytes(ByteBuffer(bytes: request.body))
        }
        do {
            let response = try await sharedHTTPClient.execute(r, timeout: .milliseconds(Int64(timeout * 1000)))
            var buffer = try await response.body.collect(upTo: maxResponseBytes)
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            return AWSResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw AWSError.network("\(request.method) \(request.scheme)://\(request.hostHeader): timed out (\(error))", retryable: true)
        } catch {
            throw AWSError.network("\(request.method) \(request.scheme)://\(request.hostHeader): \(error)", retryable: true)
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
