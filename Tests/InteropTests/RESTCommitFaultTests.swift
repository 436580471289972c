import Foundation
import Iceberg
import IcebergREST
import IcebergSQLite
import JSONSupport
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// 500 commits by four writers through a proxy that drops, delays and fails answers, while the
/// server is killed and restarted under them: every commit reported landed is in the table
/// once, every one reported failed is not, and one reported unknown is there at most once with
/// every file it needs.
final class RESTCommitFaultTests: XCTestCase {
    /// `iceberg serve` on a fixed port over a SQLite catalog, restartable.
    final class RestartableServer: @unchecked Sendable {
        let directory: URL
        let port: Int
        private let lock = NSLock()
        private var process: Process?
        private(set) var restarts = 0

        init(directory: URL, port: Int) {
            self.directory = directory
            self.port = port
        }

        func start() throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLIRunner().executable)
            p.arguments = [
                "serve", "--catalog", "sqlite:\(directory.path)/catalog.db?warehouse=\(directory.path)/warehouse",
                "--port", String(port),
            ]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            _ = try ServeProcess.announcement(of: p, on: out)
            lock.withLock { process = p }
        }

        /// Kills the server as a power cut would (SIGKILL) and starts it again.
        func restart() throws {
            let old = lock.withLock { process }
            if let old {
                kill(old.processIdentifier, SIGKILL)
                old.waitUntilExit()
            }
            try start()
            lock.withLock { restarts += 1 }
        }

        func stop() {
            if let p = lock.withLock({ process }) { LoopbackPeer.stop(p) }
        }
    }

    enum Outcome: Equatable {
        case landed, unknown
        case failed(String)
    }

    func testCommitsThroughFaultsAndRestartsLandOnceOrAreReportedUnknown() async throws {
        try PythonPeer.requirePeers()
        let dir = try makeTemporaryDirectory(self, prefix: "rest-faults")
        let server = RestartableServer(directory: dir, port: try LoopbackPeer.freePort())
        try server.start()
        addTeardownBlock { server.stop() }
        let faultLog = dir.appendingPathComponent("faults.log").path
        let proxy = try LoopbackPeer(
            self, command: "fault-proxy",
            arguments: [
                String(server.port), "0.12", "27", faultLog,
                "500,503,reset-before,reset-after,500-after,delay-before,delay-after", "1.5",
            ])

        let id = TableIdentifier(namespace: Namespace(["faults"]), name: "events")
        let direct = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: "http://127.0.0.1:\(server.port)"), io: LocalFileIO())
        try await direct.createNamespace(id.namespace, properties: [])
        _ = try await direct.createTable(
            id,
            TableCreation(
                schema: try Schema(jsonText: RESTCatalogTests.schema), properties: [("commit.retry.num-retries", "10")])
        )

        let faulty = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: proxy.endpoint, maxAttempts: 6, timeoutSeconds: 1), io: LocalFileIO())
        let writers = 4
        let commitsPerWriter = 125
        let restarter = Task.detached {
            var rng = SplitMix64(seed: 7)
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(400 + Int(rng.next() % 800)))
                if Task.isCancelled { break }
                try server.restart()
            }
        }
        let outcomes = try await withThrowingTaskGroup(of: [(Int, Outcome)].self) { group in
            for w in 0..<writers {
                group.addTask {
                    var mine: [(Int, Outcome)] = []
                    for c in 0..<commitsPerWriter {
                        let n = w * 10_000 + c
                        do {
                            try await TableFixtures.append(faulty, id, TableFixtures.rows(n..<(n + 1)))
                            mine.append((n, .landed))
                        } catch CatalogError.commitStateUnknown {
                            mine.append((n, .unknown))
                        } catch {
                            mine.append((n, .failed("\(error)")))
                        }
                    }
                    return mine
                }
            }
            var all: [(Int, Outcome)] = []
            for try await part in group { all += part }
            return all
        }
        restarter.cancel()
        _ = await restarter.result
        try? server.restart()  // a server that was being restarted as the writers finished

        // Read what the table holds, directly from the catalog file.
        let catalog = try SQLiteCatalog.open(path: dir.path + "/catalog.db", warehouse: dir.path + "/warehouse")
        let rows = try await catalog.loadTable(id).scan().rows()
        var copies: [Int: Int] = [:]
        for row in rows { copies[Int(row["id"]?.intValue ?? -1), default: 0] += 1 }

        XCTAssertEqual(outcomes.count, writers * commitsPerWriter)
        var landed = 0
        var unknownLanded = 0
        var unknownMissing = 0
        var failed = 0
        for (n, outcome) in outcomes {
            let count = copies[n] ?? 0
            switch outcome {
            case .landed:
                landed += 1
                XCTAssertEqual(count, 1, "commit \(n) reported landed is in the table \(count) times")
            case .unknown:
                XCTAssertLessThanOrEqual(count, 1, "commit \(n) of unknown outcome is in the table \(count) times")
                if count == 1 { unknownLanded += 1 } else { unknownMissing += 1 }
            case .failed(let reason):
                failed += 1
                XCTAssertEqual(count, 0, "commit \(n) reported failed (\(reason)) is in the table")
            }
        }
        XCTAssertEqual(copies.keys.filter { k in !outcomes.contains { $0.0 == k } }, [], "rows of no commit")
        let faults = ((try? String(contentsOfFile: faultLog, encoding: .utf8)) ?? "").split(separator: "\n").count
        print(
            "REST commit faults: \(outcomes.count) commits, \(landed) landed, \(unknownLanded) unknown and landed,"
                + " \(unknownMissing) unknown and absent, \(failed) failed; \(faults) faults injected,"
                + " \(server.restarts) server restarts")
        XCTAssertGreaterThan(faults, 20, "faults were injected")
        XCTAssertGreaterThan(server.restarts, 3, "the server was restarted under the writers")
        XCTAssertGreaterThan(landed, outcomes.count / 2, "most commits land")
    }
}
