import Foundation
import JSONSupport
import XCTest

/// Runs the pinned Python peers (pyarrow, DuckDB, …) from the project's venv.
public enum PythonPeer {
    /// The repository root, found from this file's location.
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The interpreter: `ICEBERG_PYTHON`, else `.venv/bin/python` (made by `scripts/setup.sh`).
    public static var python: String {
        if let p = ProcessInfo.processInfo.environment["ICEBERG_PYTHON"], !p.isEmpty { return p }
        return repoRoot.appendingPathComponent(".venv/bin/python").path
    }

    /// Skips the calling test when the venv is absent and `ICEBERG_PYTHON` is unset (a plain
    /// `swift test`); with `ICEBERG_PYTHON` set (`make test`, CI) a missing peer is a failure.
    public static func requirePeers() throws {
        guard !FileManager.default.isExecutableFile(atPath: python) else { return }
        if let p = ProcessInfo.processInfo.environment["ICEBERG_PYTHON"], !p.isEmpty {
            throw PeerError(message: "ICEBERG_PYTHON is \(p), which is not an executable: run ./scripts/setup.sh")
        }
        throw XCTSkip(
            "needs the Python peers: \(python) is missing (./scripts/setup.sh makes the venv; make test runs everything)"
        )
    }

    /// Runs a script from `Tests/InteropTests/Python` and returns its standard output.
    public static func run(script: String, _ arguments: [String], input: Data? = nil) throws -> Data {
        try requirePeers()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let scriptPath = repoRoot.appendingPathComponent("Tests/InteropTests/Python/\(script)").path
        process.arguments = [scriptPath] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            // Written from another thread so a peer that answers while reading cannot deadlock us.
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
            }
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerError(
                message: "\(script) failed (\(process.terminationStatus)): \(String(decoding: errData, as: UTF8.self))")
        }
        return data
    }

    /// A peer that could not run or failed, with its standard error.
    public struct PeerError: Error, CustomStringConvertible {
        /// What failed.
        public var message: String
        /// Creates an error.
        public init(message: String) { self.message = message }
        /// The message.
        public var description: String { message }
    }
}

/// A deterministic pseudo-random generator (SplitMix64) so test data is reproducible.
public struct SplitMix64: RandomNumberGenerator {
    /// The state.
    public var state: UInt64
    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next value.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs `iceberg_peer.py` (PyIceberg and DuckDB) and parses its JSON answer.
public func icebergPeer(_ arguments: [String]) throws -> JSONValue {
    var out = [UInt8](try PythonPeer.run(script: "iceberg_peer.py", arguments))
    return try JSONValue.parse(bytes: &out)
}
