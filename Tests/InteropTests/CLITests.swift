import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// The `iceberg parquet …` commands, run as a user would, checked with pyarrow.
final class CLITests: XCTestCase {
    var executable: String { CLIRunner().executable }

    func run(_ args: [String], stdin: String? = nil) throws -> CLIRunner.Result {
        try CLIRunner().run(args, stdin: stdin)
    }

    func testWriteCatSchemaMetaAndBadInput() throws {
        XCTAssertTrue(
            FileManager.default.isExecutableFile(atPath: executable), "build the iceberg product first: \(executable)")
        let dir = try makeTemporaryDirectory(self)
        let schemaPath = dir.appendingPathComponent("schema.json").path
        try AllTypesData.schemaJSON.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let rows = AllTypesData.rows(count: 300, seed: 7)
        let input = rows.map { $0.serialized() }.joined(separator: "\n") + "\n"
        for (codec, version) in [
            ("snappy", "1"), ("zstd", "2"), ("gzip", "1"), ("none", "2"), ("lz4_raw", "2"), ("brotli", "1"),
        ] {
            let out = dir.appendingPathComponent("out-\(codec).parquet").path
            let w = try run(
                [
                    "parquet", "write", out, "--schema", schemaPath, "--codec", codec, "--data-page-version", version,
                    "--page-bytes", "4096", "--row-group-bytes", "50000",
                ] + (codec == "gzip" ? ["--no-dictionary"] : []), stdin: input)
            XCTAssertEqual(w.status, 0, w.stderr)
            // pyarrow reads exactly the rows we sent.
            var bytes = [UInt8](try PythonPeer.run(script: "read_parquet.py", [out]))
            let peer = try JSONValue.parse(bytes: &bytes)
            XCTAssertEqual(peer["rows"]?.arrayValue ?? [], rows, codec)
            XCTAssertGreaterThan(peer["num_row_groups"]?.intValue ?? 0, 1, codec)
            // `cat` prints the same rows.
            let cat = try run(["parquet", "cat", out])
            XCTAssertEqual(cat.status, 0, cat.stderr)
            XCTAssertEqual(try cat.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }, rows, codec)
        }
        let out = dir.appendingPathComponent("out-snappy.parquet").path
        let limited = try run(["parquet", "cat", out, "--columns", "l,st.inner.x", "--limit", "2"])
        let lines = limited.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try JSONValue.parse(String(lines[0]))
        XCTAssertEqual(first["l"], rows[0]["l"])
        if case .object(let pairs) = first { XCTAssertEqual(pairs.map(\.0), ["l", "st"]) }

        let schema = try run(["parquet", "schema", out])
        XCTAssertEqual(schema.status, 0)
        let schemaJSON = try JSONValue.parse(schema.stdout)
        XCTAssertEqual(schemaJSON["fields"]?.arrayValue?.first?["field_id"], .int(1))
        let meta = try run(["parquet", "meta", out])
        let metaJSON = try JSONValue.parse(meta.stdout)
        XCTAssertEqual(metaJSON["num_rows"], .int(300))
        let firstColumn = metaJSON["row_groups"]?.arrayValue?.first?["columns"]?.arrayValue?.first
        XCTAssertEqual(firstColumn?["codec"], .string("SNAPPY"))
        XCTAssertNotNil(firstColumn?["statistics"]?["null_count"])

        // Bad input: a clear message with the row and field, non-zero exit, no file left.
        let bad = dir.appendingPathComponent("bad.parquet").path
        let badInput = rows[0].serialized() + "\n" + #"{"l": 1, "i": "seven", "ls": []}"# + "\n"
        let failed = try run(["parquet", "write", bad, "--schema", schemaPath], stdin: badInput)
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("row 2, field 'i'"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("bad") }, [])

        let missing = try run(["parquet", "cat", dir.appendingPathComponent("nope.parquet").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot open"), missing.stderr)
        let corrupt = try run(["parquet", "meta", schemaPath])
        XCTAssertNotEqual(corrupt.status, 0)
        XCTAssertTrue(corrupt.stderr.contains("magic"), corrupt.stderr)
    }
}

/// Runs the `iceberg` executable built next to the test bundle.
struct CLIRunner {
    /// The `iceberg` executable built next to this test bundle.
    var executable: String {
        let bundle = Bundle(for: CLITests.self).bundleURL
        let candidates = [
            bundle.appendingPathComponent("iceberg"),
            bundle.deletingLastPathComponent().appendingPathComponent("iceberg"),
            PythonPeer.repoRoot.appendingPathComponent(".build/debug/iceberg"),
        ]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `writers` shell processes, each running `commitsEach` `iceberg append` commands
    /// one after the other (row JSON from `row(writer, commit)`); returns their exit statuses.
    func concurrentAppends(
        table: String, catalog: String, writers: Int, commitsEach: Int,
        environment: [String: String]? = nil, row: (Int, Int) -> String
    ) throws -> [Int32] {
        var processes: [Process] = []
        for w in 0..<writers {
            let script = (0..<commitsEach).map { k in
                "echo '\(row(w, k))' | '\(executable)' append \(table) --catalog '\(catalog)' >/dev/null || exit 1"
            }.joined(separator: "; ")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script]
            if let environment { p.environment = environment }
            try p.run()
            processes.append(p)
        }
        return processes.map {
            $0.waitUntilExit()
            return $0.terminationStatus
        }
    }

    func run(_ args: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let environment {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            p.environment = env
        }
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

}
