import Foundation
import JSONSupport
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Iceberg Java 1.10.2 inside one Spark 3.5 session (`Python/spark_peer.py`): Java reaches our
/// tables through its `JdbcCatalog` on our SQLite catalog file. `JavaInteropTests` starts it
/// once for all its tests and stops it when they end.
final class SparkPeer: @unchecked Sendable {
    private let process: Process
    private let requests: FileHandle
    private let answers: FileHandle
    private var buffered: [UInt8] = []
    /// Spark's and the JVM's output, kept for a failure's message.
    let logPath: String

    /// Starts the session (about 10 s).
    init() throws {
        try PythonPeer.requirePeers()
        process = Process()
        process.executableURL = URL(fileURLWithPath: PythonPeer.python)
        process.arguments = [PythonPeer.repoRoot.appendingPathComponent("Tests/InteropTests/Python/spark_peer.py").path]
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("spark-peer-\(getpid()).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        requests = input.fileHandleForWriting
        answers = output.fileHandleForReading
        try process.run()
    }

    /// Makes our SQLite catalog file `db` (catalog name `name`) visible to Spark as catalog `name`.
    func register(catalog name: String, db: String, warehouse: String) throws {
        _ = try request(.object([("catalog", .string(name)), ("db", .string(db)), ("warehouse", .string(warehouse))]))
    }

    /// Runs one Spark SQL statement and returns its rows in the JSON value convention.
    @discardableResult
    func sql(_ text: String) throws -> [JSONValue] {
        guard case .array(let rows)? = try request(.object([("sql", .string(text))]))["rows"] else {
            throw PythonPeer.PeerError(message: "spark_peer: no rows for \(text)")
        }
        return rows
    }

    /// Runs Python code in the peer (with `spark`, `jvm`, `table(name)`, `rows(df)` in scope)
    /// and returns what it leaves in `result`.
    @discardableResult
    func python(_ code: String) throws -> JSONValue {
        try request(.object([("python", .string(code))]))["result"] ?? .null
    }

    private func request(_ body: JSONValue) throws -> JSONValue {
        guard process.isRunning else { throw PythonPeer.PeerError(message: "spark_peer ended; log: \(logTail())") }
        requests.write(Data((body.serialized() + "\n").utf8))
        var line = try readLine()
        let answer = try JSONValue.parse(bytes: &line)
        if case .string(let error)? = answer["error"] {
            throw PythonPeer.PeerError(message: "Spark: \(error)")
        }
        return answer
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffered[..<newline])
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = answers.availableData
            if chunk.isEmpty { throw PythonPeer.PeerError(message: "spark_peer ended; log: \(logTail())") }
            buffered += chunk
        }
    }

    private func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(3000))
    }

    /// Ends the session: closing its input makes the peer stop Spark and exit.
    func stop() {
        try? requests.close()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

/// The tests with Iceberg Java as the peer. One Spark session serves them all: it is started
/// by the first test and stopped when the class's tests end. The tests are in the
/// `JavaInteropTests+*.swift` files.
final class JavaInteropTests: XCTestCase {
    nonisolated(unsafe) private static var shared: SparkPeer?

    /// The shared session, started on first use.
    var spark: SparkPeer {
        get throws {
            if let s = Self.shared { return s }
            let s = try SparkPeer()
            Self.shared = s
            return s
        }
    }

    override class func tearDown() {
        shared?.stop()
        shared = nil
        super.tearDown()
    }
}
