import Foundation
import JSONSupport
import ParquetJSON
import TestSupport
import XCTest

@testable import Iceberg
@testable import Parquet

/// Our reader must return exactly the rows pyarrow and DuckDB wrote (Fixtures/parquet,
/// produced by Fixtures/parquet/generate.py).
final class GoldenParquetTests: XCTestCase {
    static let fixtures = PythonPeer.repoRoot.appendingPathComponent("Fixtures/parquet")

    func testReaderMatchesEveryGoldenFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".parquet") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 8, "golden files missing: run make fixtures")
        for file in files {
            let name = String(file.dropLast(".parquet".count))
            let expectedText = try String(
                contentsOf: Self.fixtures.appendingPathComponent(name + ".jsonl"), encoding: .utf8)
            let expected = try expectedText.split(separator: "\n").map { try JSONValue.parse(String($0)) }
            let rows = try Self.readAll(Self.fixtures.appendingPathComponent(file).path)
            XCTAssertEqual(rows.count, expected.count, name)
            for (i, (got, want)) in zip(rows, expected).enumerated() where got != want {
                XCTFail("\(name): row \(i) differs\n ours:     \(got.serialized())\n expected: \(want.serialized())")
                break
            }
        }
    }

    func testProjectionReadsOnlyChosenColumns() throws {
        let path = Self.fixtures.appendingPathComponent("pyarrow_snappy_v1.parquet").path
        let reader = try ParquetReader(path: path)
        let columns = try reader.columnIndices(forPaths: ["struct.c.e", "i64"])
        let assembler = try RecordAssembler(schema: reader.schema, selecting: Set(columns))
        XCTAssertEqual(assembler.fields.map(\.name), ["i64", "struct"])
        let formatter = ParquetJSONFormatter(assembler: assembler)
        let rows = try assembler.assemble(try reader.readRowGroup(0, columns: assembler.columnIndices))
        let first = try JSONValue.parse(formatter.format(rows[0]))
        guard case .object(let pairs) = first else { return XCTFail("not an object") }
        XCTAssertEqual(pairs.map(\.0), ["i64", "struct"])
        if case .object(let inner)? = first["struct"] { XCTAssertEqual(inner.map(\.0), ["c"]) }
        XCTAssertThrowsError(try reader.columnIndices(forPaths: ["nope"]))
    }

    static func readAll(_ path: String) throws -> [JSONValue] {
        let reader = try ParquetReader(path: path)
        let assembler = try RecordAssembler(schema: reader.schema)
        let formatter = ParquetJSONFormatter(assembler: assembler)
        var out: [JSONValue] = []
        for g in 0..<reader.rowGroupCount {
            for r in try assembler.assemble(try reader.readRowGroup(g)) {
                out.append(try JSONValue.parse(formatter.format(r)))
            }
        }
        return out
    }
}
