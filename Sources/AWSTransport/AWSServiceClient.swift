import JSONSupport
import Synchronization
import ValueFormats

/// Where a service is reached.
public struct AWSEndpoint: Sendable, Equatable {
    /// `https` or `http`.
    public var scheme: String
    /// Host name.
    public var host: String
    /// Port, or nil for the scheme's default.
    public var port: Int?
    /// Whether this is a custom endpoint (`AWS_ENDPOINT_URL…`, a test server) rather than AWS's own.
    public var isCustom: Bool

    /// Creates an endpoint.
    public init(scheme: String, host: String, port: Int? = nil, isCustom: Bool = false) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.isCustom = isCustom
    }

    /// Parses `http(s)://host[:port][/]`.
    public init(url: String) throws {
        guard let schemeEnd = url.range(of: "://") else {
            throw AWSError.configuration("endpoint '\(url)' is not an http(s) URL")
        }
        scheme = String(url[..<schemeEnd.lowerBound]).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw AWSError.configuration("endpoint '\(url)' is not an http(s) URL")
        }
        var rest = String(url[schemeEnd.upperBound...])
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        if let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]) {
            host = String(rest[..<colon])
            port = p
        } else {
            host = rest
            port = nil
        }
        guard !host.isEmpty else { throw AWSError.configuration("endpoint '\(url)' has no host") }
        isCustom = true
    }

    /// The endpoint of a service in a region: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`,
    /// else the profile's `endpoint_url`, else AWS's own (`https://glue.us-east-1.amazonaws.com`).
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the configured ones.
    public static func resolve(
        service: String, region: String, environment: [String: String],
        profileEndpoint: String? = nil
    ) throws -> AWSEndpoint {
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" {
            let key = "AWS_ENDPOINT_URL_" + String(service.uppercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
            for candidate in [environment[key], environment["AWS_ENDPOINT_URL"], profileEndpoint] {
                if let url = candidate, !url.isEmpty { return try AWSEndpoint(url: url) }
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return AWSEndpoint(scheme: "https", host: "\(service).\(region).\(suffix)")
    }
}

/// The AWS standard retry mode: up to `maxAttempts` attempts, exponential backoff with full
/// jitter (`random(0,1) × base × 2^attempt`, at most `maxBackoff`), a retry quota shared by
/// every request of the client, and an overall time budget.
public struct AWSRetryPolicy: Sendable {
    /// Attempts per request, the first included (AWS default 3; `AWS_MAX_ATTEMPTS`).
    public var maxAttempts: Int
    /// Base delay in seconds.
    public var baseDelay: Double
    /// Largest single delay in seconds (AWS: 20).
    public var maxBackoff: Double
    /// Time budget for all attempts of one request, in seconds.
    public var totalTimeout: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 3, baseDelay: Double = 1, maxBackoff: Double = 20, totalTimeout: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.totalTimeout = totalTimeout
    }

    /// The standard policy, with `AWS_MAX_ATTEMPTS` applied.
    public static func standard(environment: [String: String] = AWSEnvironment.current()) -> AWSRetryPolicy {
        AWSRetryPolicy(maxAttempts: environment["AWS_MAX_ATTEMPTS"].flatMap { Int($0) } ?? 3)
    }

    /// The delay before retry number `attempt` (1-based).
    func delay(attempt: Int) -> Double {
        min(Double.random(in: 0..<1) * baseDelay * Double(1 << min(attempt, 20)), maxBackoff)
    }
}

/// The retry quota of the standard mode: retries spend tokens (5, or 10 after a timeout or
/// connection error); a successful request gives back what its retries spent (at least 1).
/// An empty bucket stops retries, so an outage does not multiply the load.
final class RetryQuota: Sendable {
    private let tokens = Mutex(500)

    func acquire(networkError: Bool) -> Int? {
        let cost = networkError ? 10 : 5
        return tokens.withLock { t in
            guard t >= cost else { return nil }
            t -= cost
            return cost
        }
    }

    func release(_ amount: Int) { tokens.withLock { $0 = min(500, $0 + amount) } }
}

/// A client of one AWS service: resolves the endpoint, signs with SigV4, retries per the
/// standard mode, and turns error answers into `AWSError.service` with code and message.
public struct AWSServiceClient: Sendable {
    /// The signing name (`s3`, `glue`, `s3tables`, `sts`).
    public let signingName: String
    /// The region.
    public let region: String
    /// Where requests go.
    public let endpoint: AWSEndpoint
    /// Credentials, or nil to send requests unsigned (STS web identity).
    public let credentials: AWSCredentialsProvider?
    /// The HTTP transport.
    public let http: HTTPTransport
    /// Retry policy.
    public var retry: AWSRetryPolicy
    /// Per-attempt timeout in seconds.
    public var attemptTimeout: Double
    private let quota = RetryQuota()

    /// Creates a client.
    public init(
        signingName: String, region: String, endpoint: AWSEndpoint, credentials: AWSCredentialsProvider?,
        http: HTTPTransport = HTTPTransport(), retry: AWSRetryPolicy = .standard(), attemptTimeout: Double = 60
    ) {
        self.signingName = signingName
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
        self.http = http
        self.retry = retry
        self.attemptTimeout = attemptTimeout
    }

    /// A request to this client's endpoint.
    public func request(
        method: String, host: String? = nil, path: String, query: [(String, String)] = [],
        headers: [(String, String)] = [], body: [UInt8] = []
    ) -> HTTPRequest {
        HTTPRequest(
            method: method, scheme: endpoint.scheme, host: host ?? endpoint.host, port: endpoint.port, path: path,
            query: query, headers: headers, body: body)
    }

    /// Sends a request, signed afresh for each attempt, retrying retryable failures.
    /// Answers with status ≥ 300 (other than those in `accepting`) throw `AWSError.service`.
    public func send(
        _ request: HTTPRequest, operation: String, payload: SigV4Payload = .signed,
        accepting: Set<Int> = []
    ) async throws -> HTTPResponse {
        let started = WallClock.nowSeconds()
        var spent = 0
        var attempt = 0
        while true {
            attempt += 1
            var r = request
            if let credentials {
                let creds = try await credentials.credentials()
                SigV4Signer(service: signingName, region: region).sign(
                    &r, credentials: creds, date: .now(), payload: payload)
            }
            let failure: AWSError
            do {
                let response = try await http.sendToAWS(r, timeout: attemptTimeout)
                if response.status < 300 || accepting.contains(response.status) {
                    quota.release(max(spent, 1))
                    return response
                }
                failure = .service(Self.serviceError(response, service: signingName, operation: operation))
            } catch let error as AWSError {
                failure = error
            }
            guard failure.isRetryable, attempt < retry.maxAttempts else { throw failure }
            let isNetwork: Bool
            if case .network = failure { isNetwork = true } else { isNetwork = false }
            guard let cost = quota.acquire(networkError: isNetwork) else { throw failure }
            spent += cost
            let delay = retry.delay(attempt: attempt)
            guard WallClock.nowSeconds() - started + delay < retry.totalTimeout else { throw failure }
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }

    /// Sends a JSON request (`application/x-amz-json-1.1` with `X-Amz-Target`, or REST-JSON)
    /// and parses the JSON answer (an empty body gives an empty object).
    public func sendJSON(
        method: String, path: String, query: [(String, String)] = [], target: String? = nil,
        body: JSONValue?, operation: String
    ) async throws -> JSONValue {
        var headers: [(String, String)] = []
        if let target {
            headers.append(("X-Amz-Target", target))
            headers.append(("Content-Type", "application/x-amz-json-1.1"))
        } else if body != nil {
            headers.append(("Content-Type", "application/json"))
        }
        let bytes = body.map { $0.serializedBytes() } ?? []
        let response = try await send(
            request(method: method, path: path, query: query, headers: headers, body: bytes), operation: operation)
        if response.body.isEmpty { return .object([]) }
        do { return try JSONValue.parse(response.text) } catch {
            throw AWSError.invalidResponse("\(signingName) \(operation): answer is not JSON: \(error)")
        }
    }

    /// The error code and message of a failed answer (XML, JSON, or the status alone).
    public static func serviceError(_ response: HTTPResponse, service: String, operation: String)
        -> AWSError.ServiceError
    {
        var code = "HTTP \(response.status)"
        var message = ""
        let requestId = response.header("x-amz-request-id") ?? response.header("x-amzn-requestid")
        let first = response.body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if first == UInt8(ascii: "<"), let xml = try? XMLNode.parse(response.body) {
            let error = xml.find("Error") ?? xml
            code = error.text("Code") ?? code
            message = error.text("Message") ?? message
        } else if first == UInt8(ascii: "{"), let json = try? JSONValue.parse(response.text) {
            let type = json["__type"]?.stringValue ?? json["code"]?.stringValue ?? json["Code"]?.stringValue
            if let t = type { code = String(t.split(separator: "#").last ?? Substring(t)) }
            message = json["message"]?.stringValue ?? json["Message"]?.stringValue ?? message
        }
        if let type = response.header("x-amzn-ErrorType"), code.hasPrefix("HTTP ") {
            code = String(type.split(separator: ":").first ?? Substring(type))
        }
        if code.hasPrefix("HTTP ") {
            switch response.status {
            case 404: code = "NotFound"
            case 403: code = "Forbidden"
            case 412: code = "PreconditionFailed"
            case 503: code = "ServiceUnavailable"
            default: break
            }
        }
        return AWSError.ServiceError(
            service: service, operation: operation, status: response.status, code: code,
            message: message, requestId: requestId)
    }
}
