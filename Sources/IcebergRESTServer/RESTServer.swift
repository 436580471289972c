import AWSTransport
import Hummingbird
import JSONSupport
import Logging
import ValueFormats

/// Runs a `RESTCatalogService` on Hummingbird, bound to one host (127.0.0.1 unless told
/// otherwise), with one structured log line per request.
public struct RESTServer: Sendable {
    /// The service answering requests.
    public let service: RESTCatalogService
    /// The address to bind.
    public let host: String
    /// The port (0: any free port, reported to `onListening`).
    public let port: Int
    /// Largest accepted request body.
    public var maxBodyBytes = 64 << 20

    /// Creates a server.
    public init(service: RESTCatalogService, host: String = "127.0.0.1", port: Int = 8181) {
        self.service = service
        self.host = host
        self.port = port
    }

    /// Serves until SIGINT or SIGTERM; `onListening` receives the bound port once accepting.
    public func run(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let service = self.service
        let maxBody = maxBodyBytes
        let requestLogger = logger
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let start = WallClock.nowSeconds()
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxBody)
            } catch {
                return Response(status: .contentTooLarge)
            }
            var headers = request.headers.map { ($0.name.rawName, $0.value) }
            // HTTP/1 `Host` arrives as the authority pseudo-header; SigV4 signs it as `host`.
            if let authority = request.head.authority, !headers.contains(where: { $0.0.lowercased() == "host" }) {
                headers.append(("host", authority))
            }
            let path = request.uri.path
            let answer = await service.handle(
                RESTServerRequest(
                    method: request.method.rawValue, path: path, query: request.uri.query ?? "",
                    headers: headers, body: Array(body.readableBytesView)))
            var metadata: Logger.Metadata = [
                "method": .string(request.method.rawValue), "path": .string(path),
                "status": .stringConvertible(answer.status),
                "ms": .stringConvertible(Int((WallClock.nowSeconds() - start) * 1000)),
            ]
            if let type = answer.status >= 400 ? answer.errorType : nil { metadata["error"] = .string(type) }
            requestLogger.info("request", metadata: metadata)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let n = HTTPFields.Element.Name(name) { fields.append(HTTPFields.Element(name: n, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "swift-iceberg"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        try await app.runService()
    }
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
