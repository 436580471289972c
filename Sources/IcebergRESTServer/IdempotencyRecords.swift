import JSONSupport

/// A finished answer kept for its `Idempotency-Key`.
public struct RecordedAnswer: Sendable {
    /// The method, path and query of the request it answered.
    public var fingerprint: String
    /// The answer.
    public var response: RESTServerResponse

    /// Creates a record.
    public init(fingerprint: String, response: RESTServerResponse) {
        self.fingerprint = fingerprint
        self.response = response
    }
}

/// Where finished answers to requests with an `Idempotency-Key` outlive the server process, so
/// that a restarted server (or another one on the same store) answers a request sent again
/// after a lost answer with its first answer instead of applying it twice.
public protocol IdempotencyRecords: Sendable {
    /// The answer kept for a principal's key, if kept at or after `since`.
    func answer(principal: String, key: String, since: Double) async throws -> RecordedAnswer?
    /// Keeps an answer; forgets answers kept before `since` and the principal's oldest beyond
    /// `perPrincipal`.
    func keep(_ answer: RecordedAnswer, principal: String, key: String, at: Double, perPrincipal: Int, since: Double)
        async throws
}
