import AWSTransport
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JSONSupport
import Logging
import NIOCore
import ValueFormats

/// Runs a `RESTCatalogService` on Hummingbird, bound to one host (127.0.0.1 unless told
/// otherwise), with one structured log line per request. Credentials are checked before a
/// body is read; bodies are capped per route and must arrive within `requestTimeoutSeconds`;
/// beyond `maxConcurrentRequests` requests are answered 429; idle connections close.
public struct RESTServer: Sendable {
    /// The service answering requests.
    public let service: RESTCatalogService
    /// The address to bind.
    public let host: String
    /// The port (0: any free port, reported to `onListening`).
    public let port: Int
    /// Requests handled at once; more are answered 429 with `Retry-After`.
    public var maxConcurrentRequests = 64
    /// Seconds a request's body may take to arrive (408 after).
    public var requestTimeoutSeconds = 30
    /// Seconds an idle connection stays open.
    public var idleTimeoutSeconds = 60
    /// TLS: PEM certificate chain and private key files; nil serves plain HTTP.
    public var tls: (certificateChain: String, privateKey: String)?

    /// Creates a server.
    public init(service: RESTCatalogService, host: String = "127.0.0.1", port: Int = 8181) {
        self.service = service
        self.host = host
        self.port = port
    }

    /// Why the server should not run as configured, or nil: bound beyond the loopback
    /// interface without authentication or without TLS.
    public var exposureWarning: String? {
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        guard !loopback else { return nil }
        var missing: [String] = []
        if service.options.auth.principals.isEmpty {
            missing.append("without authentication (anyone may change any table)")
        }
        if tls == nil { missing.append("without TLS (credentials and data cross the network in the clear)") }
        guard !missing.isEmpty else { return nil }
        return "listening on \(host), beyond the loopback interface, " + missing.joined(separator: " and ")
    }

    /// Serves until SIGINT or SIGTERM; `onListening` receives the bound port once accepting.
    public func run(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let service = self.service
        let requestLogger = logger
        let gate = ConcurrencyGate(limit: maxConcurrentRequests)
        let bodyTimeout = requestTimeoutSeconds
        if let warning = exposureWarning { logger.warning("\(warning)") }
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let start = WallClock.nowSeconds()
            var headers = request.headers.map { ($0.name.rawName, $0.value) }
            // HTTP/1 `Host` arrives as the authority pseudo-header; SigV4 signs it as `host`.
            if let authority = request.head.authority, !headers.contains(where: { $0.0.lowercased() == "host" }) {
                headers.append(("host", authority))
            }
            let path = request.uri.path
            let query = request.uri.query ?? ""
            let answer: RESTServerResponse
            if await gate.enter() {
                answer = await Self.answer(
                    request, headers: headers, path: path, query: query, service: service, bodyTimeout: bodyTimeout)
                await gate.leave()
            } else {
                answer = RESTServerResponse.error(
                    429, "TooManyRequestsException", "the server is handling too many requests; retry shortly"
                ).adding(header: ("Retry-After", "1"))
            }
            var metadata: Logger.Metadata = [
                "method": .string(request.method.rawValue), "path": .string(path),
                "status": .stringConvertible(answer.status),
                "ms": .stringConvertible(Int((WallClock.nowSeconds() - start) * 1000)),
            ]
            if let principal = answer.principal { metadata["principal"] = .string(principal) }
            if let type = answer.status >= 400 ? answer.errorType : nil { metadata["error"] = .string(type) }
            if let detail = answer.internalDetail { metadata["detail"] = .string(detail) }
            requestLogger.info("request", metadata: metadata)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let n = HTTPFields.Element.Name(name) { fields.append(HTTPFields.Element(name: n, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(idleTimeoutSeconds)))
        var server = HTTPServerBuilder.http1(configuration: http1)
        if let tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain)
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            server = try .tls(
                server,
                tlsConfiguration: TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        }
        let app = Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "swift-iceberg"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        try await app.runService()
    }

    /// Admits the request by its head, reads its body within the route's cap and the timeout,
    /// then lets the service answer it.
    private static func answer(
        _ request: Request, headers: [(String, String)], path: String, query: String, service: RESTCatalogService,
        bodyTimeout: Int
    ) async -> RESTServerResponse {
        let cap: Int
        switch await service.admit(method: request.method.rawValue, path: path, query: query, headers: headers) {
        case .refused(let refusal): return refusal
        case .admitted(let maxBodyBytes): cap = maxBodyBytes
        }
        let body: ByteBuffer
        do {
            body = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask {
                    var request = request
                    return try await request.collectBody(upTo: cap)
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(bodyTimeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else { throw BodyTimeout() }
                return buffer
            }
        } catch is BodyTimeout {
            return .error(408, "RequestTimeoutException", "the request body did not arrive within \(bodyTimeout) s")
        } catch {
            return .error(413, "PayloadTooLargeException", "the request body is larger than \(cap) bytes")
        }
        return await service.handle(
            RESTServerRequest(
                method: request.method.rawValue, path: path, query: query, headers: headers,
                body: Array(body.readableBytesView)))
    }
}

private struct BodyTimeout: Error {}

/// Counts requests in progress and refuses those beyond the limit.
actor ConcurrencyGate {
    private var inFlight = 0
    private let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    func enter() -> Bool {
        guard inFlight < limit else { return false }
        inFlight += 1
        return true
    }

    func leave() { inFlight -= 1 }
}

/// A log handler that writes one JSON object per line to standard error: time, level,
/// message and metadata (`iceberg serve`'s structured request log).
public struct JSONLinesLogHandler: LogHandler {
    /// Level.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    private let label: String

    /// Creates a handler for a logger label.
    public init(label: String) { self.label = label }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var merged = metadata
        for (k, v) in event.metadata ?? [:] { merged[k] = v }
        var out =
            "{\"time\":\"\(AWSDate.now().iso8601)\",\"level\":\"\(event.level)\",\"logger\":\(Self.quote(label)),\"message\":\(Self.quote("\(event.message)"))"
        for k in merged.keys.sorted() { out += ",\(Self.quote(k)):\(Self.quote("\(merged[k]!)"))" }
        out += "}\n"
        FileHandleStderr.write(out)
    }

    static func quote(_ s: String) -> String { JSONValue.string(s).serialized() }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum FileHandleStderr {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { p in Glibc.write(2, p.baseAddress, p.count) }
    }
}
