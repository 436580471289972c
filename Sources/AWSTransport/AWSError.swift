/// Errors of the AWS transport. Messages carry the service's error code and message, the
/// operation and the request id — never a secret key, session token or signature.
public enum AWSError: Error, Sendable, CustomStringConvertible {
    /// The service answered with an error status.
    case service(ServiceError)
    /// The request did not complete (connection refused or reset, timeout).
    case network(String, retryable: Bool)
    /// No usable credentials.
    case credentials(String)
    /// Configuration is missing or invalid (region, endpoint, profile).
    case configuration(String)
    /// The response could not be understood.
    case invalidResponse(String)

    /// An error answer from an AWS service.
    public struct ServiceError: Sendable, CustomStringConvertible {
        /// The service (`s3`, `glue`, `s3tables`, `sts`).
        public var service: String
        /// The operation or request (`PutObject`, `PUT /bucket/key`).
        public var operation: String
        /// The HTTP status.
        public var status: Int
        /// The AWS error code (`NoSuchKey`, `ConflictException`, `SlowDown`), or `HTTP <status>`.
        public var code: String
        /// The service's message.
        public var message: String
        /// The request id, when the service sent one.
        public var requestId: String?

        /// `s3 PutObject: SlowDown (503): Please reduce your request rate. [request id …]`.
        public var description: String {
            "\(service) \(operation): \(code) (\(status))\(message.isEmpty ? "" : ": \(message)")\(requestId.map { " [request id \($0)]" } ?? "")"
        }
    }

    /// The service error, if this is one.
    public var serviceError: ServiceError? {
        if case .service(let e) = self { return e }
        return nil
    }

    /// Whether the AWS standard retry mode retries this error: throttling, transient
    /// (5xx, timeouts) and connection errors.
    public var isRetryable: Bool {
        switch self {
        case .service(let e):
            return Self.throttlingCodes.contains(e.code) || Self.transientCodes.contains(e.code)
                || [500, 502, 503, 504].contains(e.status)
        case .network(_, let retryable): return retryable
        case .credentials, .configuration, .invalidResponse: return false
        }
    }

    /// Whether this is a throttling error (the service asked to slow down).
    public var isThrottling: Bool {
        if case .service(let e) = self { return Self.throttlingCodes.contains(e.code) || e.status == 429 }
        return false
    }

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    ]

    /// A readable explanation.
    public var description: String {
        switch self {
        case .service(let e): return e.description
        case .network(let m, _): return "network error: \(m)"
        case .credentials(let m): return "AWS credentials: \(m)"
        case .configuration(let m): return "AWS configuration: \(m)"
        case .invalidResponse(let m): return "invalid AWS response: \(m)"
        }
    }
}

extension HTTPTransport {
    /// `send`, with a failed request as `AWSError.network` (retryable), as AWS's retry rules
    /// and the credential chain expect.
    func sendToAWS(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        do {
            return try await send(request, timeout: timeout)
        } catch let error as HTTPNetworkError {
            throw AWSError.network(error.description, retryable: true)
        }
    }
}
