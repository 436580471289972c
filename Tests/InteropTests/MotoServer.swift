import AWSTransport
import Foundation
import JSONSupport
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A peer process listening on 127.0.0.1 (moto in server mode, the fault proxy), started by a
/// test and stopped by the same test.
final class LoopbackPeer: @unchecked Sendable {
    let port: Int
    let process: Process
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts `SCRIPT COMMAND PORT ARGS…` (default `aws_peer.py`) on a free port and waits until it accepts connections.
    init(
        _ test: XCTestCase, command: String, arguments: [String] = [], environment: [String: String] = [:],
        script: String = "aws_peer.py"
    ) throws {
        try PythonPeer.requirePeers()
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: PythonPeer.python)
        process.arguments =
            [
                PythonPeer.repoRoot.appendingPathComponent("Tests/InteropTests/Python/\(script)").path, command,
                String(port),
            ] + arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let proc = process
        test.addTeardownBlock { Self.stop(proc) }
        let deadline = Date().addingTimeInterval(30)
        while !Self.accepts(port) {
            guard process.isRunning, Date() < deadline else {
                throw PythonPeer.PeerError(message: "\(command) did not start on port \(port)")
            }
            usleep(100_000)
        }
    }

    /// SIGTERM, then SIGKILL if the server is still waiting on open connections after 2 s.
    static func stop(_ process: Process) {
        process.terminate()
        for _ in 0..<20 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard bound else { throw PythonPeer.PeerError(message: "no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// moto in server mode; with `authenticated`, SigV4 signatures are verified after an IAM user
/// with full access has been created (its key is `credentials`).
struct Moto {
    let peer: LoopbackPeer
    let credentials: AWSCredentials
    var endpoint: String { peer.endpoint }

    /// Starts moto; with `recording`, moto's recorder logs every request (method, URL,
    /// headers) to that file as JSON lines.
    init(_ test: XCTestCase, authenticated: Bool, recording: String? = nil) throws {
        // Three unauthenticated requests: CreateUser, PutUserPolicy, CreateAccessKey.
        peer = try LoopbackPeer(
            test, command: "moto", arguments: authenticated ? ["3"] : [],
            environment: recording.map { ["MOTO_ENABLE_RECORDING": "True", "MOTO_RECORDER_FILEPATH": $0] } ?? [:])
        if authenticated {
            var out = [UInt8](try PythonPeer.run(script: "aws_peer.py", ["iam-user", peer.endpoint]))
            let key = try JSONValue.parse(bytes: &out)
            credentials = AWSCredentials(
                accessKeyId: key["access_key"]?.stringValue ?? "", secretAccessKey: key["secret_key"]?.stringValue ?? ""
            )
        } else {
            credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")
        }
    }

    /// The environment a client needs to reach this server (endpoint, keys, region).
    var environment: [String: String] {
        [
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent",
        ]
    }
}
