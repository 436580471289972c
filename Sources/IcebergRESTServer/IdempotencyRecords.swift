import IcebergSQLite
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

/// Answers kept in a SQLite file (the SQLite catalog's own file under `iceberg serve`).
public struct SQLiteIdempotencyRecords: IdempotencyRecords {
    /// The table of answers.
    public let log: SQLiteAnswerLog

    /// Keeps answers in the SQLite file at `path`.
    public init(path: String) throws { log = try SQLiteAnswerLog(path: path) }

    /// The answer kept for a principal's key.
    public func answer(principal: String, key: String, since: Double) async throws -> RecordedAnswer? {
        guard let (fingerprint, text) = try await log.answer(principal: principal, key: key, since: since) else {
            return nil
        }
        var bytes = Array(text.utf8)
        let json = try JSONValue.parse(bytes: &bytes)
        guard let status = json["status"]?.intValue, let body = json["body"]?.stringValue else { return nil }
        let headers = (json["headers"]?.arrayValue ?? []).compactMap { pair -> (String, String)? in
            guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
                let value = items[1].stringValue
            else { return nil }
            return (name, value)
        }
        return RecordedAnswer(
            fingerprint: fingerprint,
            response: RESTServerResponse(status: Int(status), headers: headers, body: Array(body.utf8)))
    }

    /// Keeps an answer.
    public func keep(
        _ answer: RecordedAnswer, principal: String, key: String, at: Double, perPrincipal: Int, since: Double
    )
        async throws
    {
        let json = JSONValue.object([
            ("status", .int(Int64(answer.response.status))),
            ("headers", .array(answer.response.headers.map { .array([.string($0.0), .string($0.1)]) })),
            ("body", .string(String(decoding: answer.response.body, as: UTF8.self))),
        ])
        try await log.keep(
            principal: principal, key: key, fingerprint: answer.fingerprint, answer: json.serialized(), at: at,
            perPrincipal: perPrincipal, since: since)
    }
}
