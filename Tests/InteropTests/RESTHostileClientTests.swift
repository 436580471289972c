import Foundation
import Iceberg
import IcebergREST
import JSONSupport
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Hundreds of requests a hostile client might send to `iceberg serve` (serve_probe.py
/// `hostile`), with the server traced by strace: afterwards no file outside the warehouse was
/// opened, created or deleted, the server still answers, and every table loads and reads as before.
final class RESTHostileClientTests: XCTestCase {
    /// Every file below `root` with its bytes.
    func contents(_ root: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? [] {
            out[path] = FileManager.default.contents(atPath: root + "/" + path) ?? Data()
        }
        return out
    }

    func testAHostileClientTouchesNothingOutsideAndBreaksNothing() async throws {
        try PythonPeer.requirePeers()
        let server = try ServeProcess(
            self,
            arguments: ["--request-timeout", "2", "--max-concurrent-requests", "16"],
            prepare: { dir in
                try FileManager.default.createDirectory(
                    atPath: dir.path + "/outside/deeper", withIntermediateDirectories: true)
                try Data("precious".utf8).write(to: dir.appendingPathComponent("outside/precious.txt"))
                try Data("also".utf8).write(to: dir.appendingPathComponent("outside/deeper/more.txt"))
                try FileManager.default.createDirectory(
                    atPath: dir.path + "/warehouse", withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(
                    atPath: dir.path + "/warehouse/link", withDestinationPath: dir.path + "/outside")
                try """
                principals:
                  - token: admin-token
                    role: admin
                  - token: writer-token
                    role: write
                  - token: reader-token
                    role: read
                """.write(toFile: dir.path + "/access.yaml", atomically: true, encoding: .utf8)
                return ["--access", dir.path + "/access.yaml"]
            })
        let root = server.directory.path
        let warehouse = root + "/warehouse"
        let outside = root + "/outside"
        let before = contents(outside)

        // Tables that must survive: a victim with rows, and a second table beside it.
        let catalog = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: server.uri, auth: .bearer("admin-token")), io: LocalFileIO())
        try await catalog.createNamespace(Namespace(["victims"]), properties: [])
        let schema = try Schema(jsonText: RESTCatalogTests.schema)
        for name in ["victim", "bystander"] {
            let id = TableIdentifier(namespace: Namespace(["victims"]), name: name)
            _ = try await catalog.createTable(id, TableCreation(schema: schema))
            try await TableFixtures.append(catalog, id, TableFixtures.rows(0..<20))
        }
        func rowsOf(_ name: String) async throws -> [String] {
            let table = try await catalog.loadTable(TableIdentifier(namespace: Namespace(["victims"]), name: name))
            return RESTCatalogTests.canonical(try await table.scan().rows())
        }
        let victimRows = try await rowsOf("victim")
        XCTAssertEqual(victimRows.count, 20)

        // Trace the server's file system calls while the hostile client runs.
        let trace = root + "/trace.txt"
        let strace = Process()
        strace.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        strace.arguments = ["-f", "-e", "trace=%file", "-o", trace, "-p", String(server.process.processIdentifier)]
        strace.standardError = FileHandle.nullDevice
        try strace.run()
        // Attached once every thread of the server names strace as its tracer.
        let pid = server.process.processIdentifier
        func traced() -> Bool {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            return !tasks.isEmpty
                && tasks.allSatisfy { task in
                    let status =
                        (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
                    return status.contains("TracerPid:\t\(strace.processIdentifier)\n")
                }
        }
        let deadline = Date().addingTimeInterval(10)
        while !traced(), Date() < deadline { usleep(20_000) }
        XCTAssertTrue(traced(), "strace attached to every thread")

        var out = Array(
            try PythonPeer.run(
                script: "serve_probe.py",
                ["hostile", String(server.port), warehouse, outside, "admin-token", "writer-token", "reader-token"]))
        // strace detaches and flushes its trace on SIGTERM; a tracer that dies detaches too.
        strace.terminate()
        for _ in 0..<50 where strace.isRunning { usleep(100_000) }
        if strace.isRunning { kill(strace.processIdentifier, SIGKILL) }
        strace.waitUntilExit()
        let result = try JSONValue.parse(bytes: &out)
        let sent = result["sent"]?.intValue ?? 0
        XCTAssertGreaterThanOrEqual(sent, 200, "requests sent")
        XCTAssertEqual(
            result["unexpected"]?.arrayValue?.count, 0,
            "answers not among those expected: \(result["unexpected"]?.serialized() ?? "")")

        // 0 files touched outside: no open, create, rename, link or delete of a path there.
        let touching = ["open", "creat", "unlink", "rename", "mkdir", "link", "symlink", "truncate", "rmdir"]
        let traced = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
        XCTAssertTrue(traced.contains(warehouse), "the trace saw the server at work")
        let outsideCalls = traced.split(separator: "\n").filter { line in
            let call = line.drop { $0.isNumber || $0 == " " }.prefix { $0 != "(" }
            return touching.contains { call.hasPrefix($0) }
                && (line.contains(outside) || line.contains("/etc/") || line.contains("/proc/self/environ"))
        }
        XCTAssertEqual(outsideCalls, [], "file system calls outside the warehouse")
        XCTAssertEqual(contents(outside), before, "everything outside is as it was")
        let allowedBeside: Set = [
            "access.yaml", "catalog.db", "catalog.db-shm", "catalog.db-wal", "outside", "requests.log", "trace.txt",
            "warehouse",
        ]
        let beside = Set(try FileManager.default.contentsOfDirectory(atPath: root))
        XCTAssertTrue(beside.isSubset(of: allowedBeside), "nothing new beside the warehouse: \(beside)")

        // 0 server exits; every table loads and reads.
        XCTAssertTrue(server.process.isRunning, "the server is still running")
        let again = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: server.uri, auth: .bearer("admin-token")), io: LocalFileIO())
        let victimAfter = try await rowsOf("victim")
        let bystanderAfter = try await rowsOf("bystander")
        XCTAssertEqual(victimAfter, victimRows, "the victim reads as before")
        XCTAssertEqual(bystanderAfter.count, 20)
        var pending = try await again.listNamespaces(parent: nil)
        var loaded = 0
        while let ns = pending.popLast() {
            pending += try await again.listNamespaces(parent: ns)
            for id in try await again.listTables(ns) {
                let table = try await again.loadTable(id)
                _ = try await table.scan().rows()
                loaded += 1
            }
        }
        XCTAssertGreaterThanOrEqual(loaded, 3, "tables loaded and read")
        let log = (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? ""
        for token in ["admin-token", "writer-token", "reader-token"] {
            XCTAssertFalse(log.contains(token), "no token in the log")
        }
    }
}
