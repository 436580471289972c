import Foundation
import IcebergSQLite
import TestSupport
import XCTest

/// Durable on local disks: an append through the CLI, traced with strace, syncs every file it
/// wrote (data file, manifest, manifest list, metadata file) and every folder that received
/// one before the SQLite catalog syncs the commit that points at them — so a power loss after
/// the commit cannot leave the catalog naming a file that never reached the disk.
final class DurabilityTests: XCTestCase {
    func testEveryFileAndFolderIsSyncedBeforeTheCatalogCommits() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            throw XCTSkip("strace is not installed (scripts/setup.sh installs it)")
        }
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        let uri = "sqlite:\(db)?warehouse=\(warehouse)&name=durable"
        let cli = CLIRunner()
        let schemaPath = dir.appendingPathComponent("schema.json").path
        try #"{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":true,"type":"long"}]}"#
            .write(toFile: schemaPath, atomically: true, encoding: .utf8)
        for args in [["namespace", "create", "db"], ["table", "create", "db.t", "--schema", schemaPath]] {
            let r = try cli.run(args + ["--catalog", uri])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let before = Set(try files(under: warehouse))
        let trace = dir.appendingPathComponent("trace.txt").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        p.arguments = [
            "-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace, cli.executable, "append", "db.t", "--catalog", uri,
        ]
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data((0..<100).map { #"{"id": \#($0)}"# }.joined(separator: "\n").utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)

        let written = Set(try files(under: warehouse)).subtracting(before)
        XCTAssertEqual(written.filter { $0.hasSuffix(".parquet") }.count, 1)
        XCTAssertEqual(written.filter { $0.hasSuffix(".avro") }.count, 2, "a manifest and a manifest list")
        XCTAssertEqual(written.filter { $0.hasSuffix(".metadata.json") }.count, 1)
        // `fsync(3</path>) = 0`, in call order.
        let synced: [String] = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap {
            line in
            // `PID fsync(3</path>) = 0`, or `PID fsync(3</path> <unfinished ...>` when threads interleave.
            guard let call = line.range(of: "sync("), !line.contains("resumed>"),
                let close = line[call.upperBound...].firstIndex(of: ">")
            else { return nil }
            let operand = line[call.upperBound..<close]
            guard let open = operand.firstIndex(of: "<") else { return nil }
            return String(operand[operand.index(after: open)...])
        }
        guard let commit = synced.firstIndex(where: { $0.hasSuffix("catalog.db-wal") }) else {
            return XCTFail("the catalog's commit was not synced: \(synced)")
        }
        for file in written {
            let index = synced.firstIndex { $0 == file || $0.hasPrefix(file + ".tmp-") }
            XCTAssertNotNil(index, "\(file) was not synced")
            XCTAssertLessThan(index ?? .max, commit, "\(file) was synced after the commit")
            let folder = String(file[..<file.lastIndex(of: "/")!])
            let folderIndex = synced.firstIndex { $0 == folder }
            XCTAssertLessThan(folderIndex ?? .max, commit, "the folder \(folder) was not synced before the commit")
        }
    }

    func testTheSQLiteCatalogCommitsWithWriteAheadLoggingAndFullSync() throws {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        _ = try SQLiteCatalog.open(path: db, name: "c", warehouse: dir.path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: PythonPeer.python)
        p.arguments = [
            "-c", "import sqlite3; print(sqlite3.connect('\(db)').execute('PRAGMA journal_mode').fetchone()[0])",
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(
            String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines), "wal", "the mode is stored in the file")
    }

    private func files(under root: String) throws -> [String] {
        var out: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let p = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = root + "/" + p
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(full)
            }
        }
        return out
    }
}
