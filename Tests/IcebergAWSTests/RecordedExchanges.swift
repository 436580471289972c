import AWSTransport
import Foundation
import JSONSupport
import Synchronization
import XCTest

/// HTTP exchanges botocore had with moto in server mode, recorded by `Fixtures/aws/generate.py`,
/// replayed to this SDK's clients: each request a client sends is checked against the request
/// botocore sent at the same step, and answered with the answer moto gave.
final class RecordedExchanges: Sendable {
    struct Exchange: Sendable {
        var step: String
        var request: JSONValue
        var response: HTTPResponse
    }

    /// The whole fixture file (inputs such as table metadata live beside the exchanges).
    let fixture: JSONValue
    /// Parameters the recording added only to make pages small (`max-keys`, `MaxResults`…).
    private let pageSizeParameters: Set<String>
    private let state: Mutex<(queue: [Exchange], mismatches: [String])>

    /// A file of `Fixtures/aws`.
    static func fixtureText(_ file: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/aws/\(file)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// Loads `Fixtures/aws/NAME.json`.
    init(_ name: String) throws {
        fixture = try JSONValue.parse(try Self.fixtureText("\(name).json"))
        pageSizeParameters = Set((fixture["page_size_parameters"]?.arrayValue ?? []).compactMap(\.stringValue))
        let exchanges = try (fixture["exchanges"]?.arrayValue ?? []).map { e -> Exchange in
            guard let step = e["step"]?.stringValue, let request = e["request"], let response = e["response"],
                let status = response["status"]?.intValue
            else { throw ReplayError("\(name).json: an exchange without step, request or response") }
            let headers = (response["headers"]?.arrayValue ?? []).compactMap { pair -> (String, String)? in
                guard let p = pair.arrayValue, p.count == 2, let k = p[0].stringValue, let v = p[1].stringValue
                else { return nil }
                return (k, v)
            }
            return Exchange(
                step: step, request: request,
                response: HTTPResponse(status: Int(status), headers: headers, body: try Self.body(of: response)))
        }
        state = Mutex((exchanges, []))
    }

    /// A transport answering from the recording.
    var transport: HTTPTransport {
        HTTPTransport { [self] request in try answer(request) }
    }

    /// A service client on the recording: fixed credentials, one attempt per request.
    func client(signingName: String) -> AWSServiceClient {
        AWSServiceClient(
            signingName: signingName, region: fixture["region"]?.stringValue ?? "us-east-1",
            endpoint: AWSEndpoint(scheme: "http", host: "127.0.0.1", port: 9, isCustom: true),
            credentials: StaticCredentialsProvider(
                AWSCredentials(accessKeyId: "AKIDREPLAY", secretAccessKey: "replay-secret")),
            http: transport, retry: AWSRetryPolicy(maxAttempts: 1))
    }

    /// Drops the recorded exchanges of `step`: calls botocore made that this SDK has no reason
    /// to make (a fixture's setup, another writer's commit between a read and an update).
    func skip(_ step: String) {
        state.withLock { s in
            let before = s.queue.count
            s.queue.removeAll { $0.step == step }
            if s.queue.count == before { s.mismatches.append("skip '\(step)': no such recorded step") }
        }
    }

    /// Fails the test if a request differed from botocore's or a recorded exchange was not used.
    func assertAllReplayed(file: StaticString = #filePath, line: UInt = #line) {
        let (queue, mismatches) = state.withLock { ($0.queue, $0.mismatches) }
        for m in mismatches { XCTFail(m, file: file, line: line) }
        XCTAssertEqual(queue.map(\.step), [], "recorded steps this SDK did not replay", file: file, line: line)
    }

    private func answer(_ request: HTTPRequest) throws -> HTTPResponse {
        try state.withLock { s in
            guard !s.queue.isEmpty else {
                s.mismatches.append("\(request.method) \(request.path): sent after the last recorded exchange")
                throw ReplayError("no recorded exchange left")
            }
            let next = s.queue.removeFirst()
            let differences = differences(request, next.request)
            if !differences.isEmpty {
                s.mismatches.append(
                    "step '\(next.step)': \(request.method) \(request.path) differs from botocore's request: "
                        + differences.joined(separator: "; "))
            }
            return next.response
        }
    }

    /// How a request differs from the recorded one: method, path (segment by segment, decoded),
    /// query (decoded, in any order, the page-size knobs aside), the operation headers and the
    /// body (JSON and XML compared as documents, anything else byte for byte).
    private func differences(_ ours: HTTPRequest, _ recorded: JSONValue) -> [String] {
        var out: [String] = []
        if ours.method != recorded["method"]?.stringValue {
            out.append("method \(ours.method), recorded \(recorded["method"]?.stringValue ?? "?")")
        }
        let recordedPath = recorded["path"]?.stringValue ?? ""
        if Self.segments(ours.path) != Self.segments(recordedPath) {
            out.append("path \(ours.path), recorded \(recordedPath)")
        }
        let recordedQuery = (recorded["query"]?.arrayValue ?? []).compactMap { pair -> String? in
            guard let p = pair.arrayValue, p.count == 2, let k = p[0].stringValue, let v = p[1].stringValue,
                !pageSizeParameters.contains(k)
            else { return nil }
            return "\(k)=\(v)"
        }
        let ourQuery = ours.query.map { "\($0.0)=\($0.1)" }
        if ourQuery.sorted() != recordedQuery.sorted() {
            out.append("query \(ourQuery.sorted()), recorded \(recordedQuery.sorted())")
        }
        var recordedHeaders: [String: String] = [:]
        for pair in recorded["headers"]?.arrayValue ?? [] {
            if let p = pair.arrayValue, p.count == 2, let k = p[0].stringValue, let v = p[1].stringValue {
                recordedHeaders[k] = v
            }
        }
        // The operation's own headers must match both ways; a content type only where botocore sends one.
        for name in ["x-amz-target", "range", "if-none-match", "content-type"] {
            let mine = ours.headers.first { $0.0.lowercased() == name }?.1
            let theirs = recordedHeaders[name]
            if mine != theirs, theirs != nil || name != "content-type" {
                out.append("header \(name): \(mine ?? "absent"), recorded \(theirs ?? "absent")")
            }
        }
        do {
            let recordedBody = try Self.body(of: recorded)
            if let difference = bodyDifference(ours.body, recordedBody) { out.append(difference) }
        } catch {
            out.append("\(error)")
        }
        return out
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            URIEncoding.percentDecode($0) ?? "<broken escape in \($0)>"
        }
    }

    private func bodyDifference(_ ours: [UInt8], _ recorded: [UInt8]) -> String? {
        let first = recorded.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D }
        if first == UInt8(ascii: "{") {
            guard let a = try? JSONValue.parse(String(decoding: ours, as: UTF8.self)) else {
                return "body is not JSON: \(String(decoding: ours, as: UTF8.self))"
            }
            var b = (try? JSONValue.parse(String(decoding: recorded, as: UTF8.self))) ?? .null
            if case .object(let pairs) = b { b = .object(pairs.filter { !pageSizeParameters.contains($0.0) }) }
            let canonical = Self.canonical as (JSONValue) -> JSONValue
            let (x, y) = (canonical(a).serialized(), canonical(b).serialized())
            return x == y ? nil : "JSON body\n  ours:     \(x)\n  recorded: \(y)"
        }
        if first == UInt8(ascii: "<") {
            guard let a = try? XMLNode.parse(ours), let b = try? XMLNode.parse(recorded) else {
                return "body is not XML: \(String(decoding: ours, as: UTF8.self))"
            }
            let (x, y) = (Self.canonical(a), Self.canonical(b))
            return x == y ? nil : "XML body\n  ours:     \(x)\n  recorded: \(y)"
        }
        return ours == recorded ? nil : "body of \(ours.count) bytes, recorded \(recorded.count) bytes differ"
    }

    /// Objects with sorted keys, so that key order does not count.
    private static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let pairs): return .object(pairs.map { ($0.0, canonical($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): return .array(items.map(canonical))
        default: return value
        }
    }

    /// An element as text with its children grouped by name (S3 reads `<Quiet>` before or
    /// after the `<Object>`s alike); elements of one name keep their order.
    private static func canonical(_ node: XMLNode) -> String {
        if node.children.isEmpty { return "<\(node.name)>\(node.text)</\(node.name)>" }
        let names = Set(node.children.map(\.name)).sorted()
        let inner = names.flatMap { name in node.children(name).map(canonical) }.joined()
        return "<\(node.name)>\(inner)</\(node.name)>"
    }

    private static func body(of message: JSONValue) throws -> [UInt8] {
        if let text = message["body"]?.stringValue { return Array(text.utf8) }
        if let encoded = message["body_base64"]?.stringValue {
            guard let bytes = Base64.decode(encoded) else { throw ReplayError("a body_base64 that is not base64") }
            return bytes
        }
        return []
    }
}

/// A recording that cannot be replayed.
struct ReplayError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
