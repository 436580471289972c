import Foundation
import JSONSupport
import Parquet
import TestSupport
import XCTest

@testable import Iceberg

/// Parquet split-block Bloom filters: ours are read by DuckDB (`parquet_bloom_probe`), which
/// finds every value we wrote and rules out absent ones at about the configured rate; we read
/// the ones DuckDB writes; a table with `write.parquet.bloom-filter-enabled.column.note`
/// prunes row groups for `=` and `in`.
final class BloomFilterInteropTests: XCTestCase {
    static let schema = try! Schema(fields: [
        .required(1, "id", .long), .optional(2, "note", .string), .required(3, "qty", .int),
        .required(4, "price", .double),
    ])

    static func note(_ i: Int) -> String { "note-\(i)-\(i &* 2_654_435_761 % 1_000_003)" }

    /// 100,000 rows in 3 row groups, Bloom filters on every column at fpp 0.01.
    static func writeFile(_ path: String) throws {
        var shredder = try JSONRowShredder(schema: schema)
        for i in 0..<100_000 {
            try shredder.append(
                .object([
                    ("id", .int(Int64(i) * 7)), ("note", i % 10 == 0 ? .null : .string(note(i))),
                    ("qty", .int(Int64(i % 1000))), ("price", .double(Double(i) / 4)),
                ]), rowNumber: i + 1)
        }
        let sink = try FileSink(path: path)
        var options = ParquetWriterOptions()
        options.rowGroupRows = 40_000
        options.bloomFilterColumns = ["id": 0.01, "note": 0.01, "qty": 0.01, "price": 0.01]
        let writer = try ParquetWriter(sink: sink, schema: try schema.parquetSchema(), options: options)
        try writer.write(shredder.takeColumns())
        _ = try writer.close()
    }

    func testDuckDBFindsEveryValueInOurBloomFiltersAndWeReadItsOwn() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("bloom.parquet").path
        try Self.writeFile(path)
        let reader = try ParquetReader(input: try FileInput(path: path))
        XCTAssertEqual(reader.rowGroupCount, 3)
        let noteColumn = 1
        // Our own reader: every written value is found in its row group; absent ones rarely.
        var falsePositives = 0
        let absent = (0..<20_000).map { "absent-\($0)" }
        for g in 0..<3 {
            let filter = try XCTUnwrap(try reader.bloomFilter(rowGroup: g, column: noteColumn))
            for i in stride(from: g * 40_000 + 1, to: min((g + 1) * 40_000, 100_000), by: 7) where i % 10 != 0 {
                XCTAssertTrue(filter.mightContain(hash: SplitBlockBloomFilter.hash(Self.note(i))), "row \(i)")
            }
            falsePositives += absent.filter { filter.mightContain(hash: SplitBlockBloomFilter.hash($0)) }.count
            for c in [0, 2, 3] { XCTAssertNotNil(try reader.bloomFilter(rowGroup: g, column: c)) }
            try assertBlockTestsAgree(
                reader, g, noteColumn, filter, (0..<3000).map { "absent-\($0)" } + [Self.note(g * 40_000 + 1)])
        }
        let rate = Double(falsePositives) / Double(absent.count * 3)
        XCTAssertLessThan(rate, 0.02, "false-positive rate \(rate) at fpp 0.01")

        // DuckDB: present values (each in its row group) are never ruled out; absent ones are.
        let present = [1, 2, 39_999, 40_001, 55_555, 80_003, 99_999].filter { $0 % 10 != 0 }
        let values: [JSONValue] = present.map { .string(Self.note($0)) } + absent.prefix(300).map { .string($0) }
        var out = [UInt8](
            try PythonPeer.run(
                script: "bloom_peer.py", ["probe", path, "note", JSONValue.array(values).serialized()]))
        let duck = try JSONValue.parse(bytes: &out)
        let excluded = try XCTUnwrap(duck["excluded"]?.arrayValue)
        XCTAssertEqual(excluded.count, values.count)
        for (k, i) in present.enumerated() {
            let group = Int64(i / 40_000)
            XCTAssertFalse(
                excluded[k].arrayValue?.contains(.int(group)) ?? true, "DuckDB rules out row \(i) in its row group")
            XCTAssertEqual(excluded[k].arrayValue?.count, 2, "DuckDB rules out row \(i) in the other row groups")
        }
        let ruledOut = excluded.dropFirst(present.count).reduce(0) { $0 + ($1.arrayValue?.count ?? 0) }
        XCTAssertGreaterThan(Double(ruledOut) / Double(300 * 3), 0.97, "DuckDB rules out absent values")
        // Integers and doubles hash their plain bytes, as DuckDB probes them.
        var nums = [UInt8](
            try PythonPeer.run(script: "bloom_peer.py", ["probe", path, "id", "[7, 280007, 3]"]))
        let ids = try JSONValue.parse(bytes: &nums)["excluded"]?.arrayValue
        XCTAssertEqual(ids?[0], .array([.int(1), .int(2)]), "id 7 is in row group 0 only")
        XCTAssertEqual(ids?[1], .array([.int(0), .int(2)]), "id 280007 is in row group 1 only")

        // DuckDB's own filters, read by us.
        let theirs = dir.appendingPathComponent("duck.parquet").path
        var written = [UInt8](try PythonPeer.run(script: "bloom_peer.py", ["write", theirs, "250000", "tag"]))
        let groups = try JSONValue.parse(bytes: &written)["row_groups"]?.intValue ?? 0
        let duckReader = try ParquetReader(input: try FileInput(path: theirs))
        XCTAssertEqual(Int64(duckReader.rowGroupCount), groups)
        let tag = try duckReader.columnIndices(forPaths: ["tag"]).first ?? 0
        var readAny = false
        for g in 0..<duckReader.rowGroupCount {
            guard let filter = try duckReader.bloomFilter(rowGroup: g, column: tag) else { continue }
            readAny = true
            for v in [0, 17, 4999] { XCTAssertTrue(filter.mightContain(hash: SplitBlockBloomFilter.hash("v-\(v)"))) }
            let misses = (0..<1000).filter { filter.mightContain(hash: SplitBlockBloomFilter.hash("w-\($0)")) }.count
            XCTAssertLessThan(misses, 100, "DuckDB's filter rules out most absent values")
            try assertBlockTestsAgree(duckReader, g, tag, filter, (0..<1000).map { "w-\($0)" } + ["v-0", "v-17"])
        }
        XCTAssertTrue(readAny, "DuckDB wrote no Bloom filter we read")
    }

    /// Testing only the block a hash names (the header and 32 bytes read) answers as the whole
    /// filter does, value by value and for a list of values.
    private func assertBlockTestsAgree(
        _ reader: ParquetReader, _ g: Int, _ column: Int, _ filter: SplitBlockBloomFilter, _ values: [String]
    ) throws {
        let hashes = values.map { SplitBlockBloomFilter.hash($0) }
        for (v, h) in zip(values, hashes) {
            let blockTest = try reader.bloomFilterMightContain(rowGroup: g, column: column, hashes: [h])
            XCTAssertEqual(blockTest, filter.mightContain(hash: h), "row group \(g) value \(v)")
        }
        let any = try reader.bloomFilterMightContain(rowGroup: g, column: column, hashes: hashes)
        XCTAssertEqual(any, hashes.contains { filter.mightContain(hash: $0) })
    }

    /// A table with a Bloom filter on `note`: files carry it, and a scan for one note reads
    /// only the row groups that may hold it, returning exactly the matching row.
    func testATableWithABloomFilterPrunesRowGroupsForEqualityAndIn() async throws {
        let dir = try makeTemporaryDirectory(self)
        let catalog = InMemoryCatalog(
            name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        try await catalog.createNamespace(Namespace(["t"]), properties: [])
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "notes")
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: Self.schema,
                properties: [
                    ("write.parquet.bloom-filter-enabled.column.note", "true"),
                    ("write.parquet.bloom-filter-fpp.column.note", "0.001"),
                    ("write.parquet.row-group-size-bytes", "200000"),
                ]))
        var table = try await catalog.loadTable(id)
        var rows: [(rowNumber: Int, row: JSONValue)] = []
        for i in 0..<50_000 {
            let row: JSONValue = .object([
                ("id", .int(Int64(i))), ("note", .string(Self.note(i))), ("qty", .int(Int64(i % 7))),
                ("price", .double(1)),
            ])
            rows.append((i + 1, row))
        }
        var txn = table.newTransaction()
        txn.append(jsonRows: rows)
        table = try await txn.commit()
        let tasks = try await table.scan().planFiles()
        let file = try XCTUnwrap(tasks.first?.file)
        let reader = try ParquetReader(input: try FileInput(path: file.filePath))
        XCTAssertGreaterThan(reader.rowGroupCount, 3)
        XCTAssertNotNil(try reader.bloomFilter(rowGroup: 0, column: 1), "the table's files carry the filter")
        XCTAssertNil(try reader.bloomFilter(rowGroup: 0, column: 0), "and only on note")

        let data = try DataFileReader(input: try FileInput(path: file.filePath), schema: Self.schema)
        let wanted = try FilterParser.parse("note = '\(Self.note(31_337))'").bind(Self.schema)
        let kept = (0..<data.rowGroupCount).filter { data.bloomFiltersMayMatch($0, wanted) }
        XCTAssertEqual(
            kept.count, 1,
            "only the row group holding the note survives (statistics alone keep \((0..<data.rowGroupCount).filter { data.rowGroupMayMatch($0, wanted) }.count))"
        )
        let found = try await table.scan(filter: "note = '\(Self.note(31_337))'").rows()
        XCTAssertEqual(found.compactMap { $0["id"]?.intValue }, [31_337])
        let some = try FilterParser.parse("note in ('\(Self.note(5))', 'nope', '\(Self.note(49_999))')").bind(
            Self.schema)
        XCTAssertEqual((0..<data.rowGroupCount).filter { data.bloomFiltersMayMatch($0, some) }.count, 2)
        let none = try FilterParser.parse("note = 'nope' or note = 'neither'").bind(Self.schema)
        XCTAssertLessThanOrEqual((0..<data.rowGroupCount).filter { data.bloomFiltersMayMatch($0, none) }.count, 1)
        let inRows = try await table.scan(filter: "note in ('\(Self.note(5))', 'nope', '\(Self.note(49_999))')").rows()
        XCTAssertEqual(Set(inRows.compactMap { $0["id"]?.intValue }), [5, 49_999])

        // A filter on a column the schema does not have is refused when writing.
        try await table.updateProperties(set: [("write.parquet.bloom-filter-enabled.column.nope", "true")])
        var bad = table.newTransaction()
        bad.append(jsonRows: [(1, .object([("id", .int(1)), ("qty", .int(1)), ("price", .double(1))]))])
        do {
            try await bad.commit()
            XCTFail("a Bloom filter on a missing column was accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("write.parquet.bloom-filter-enabled.column.nope"), "\(error)")
        }
    }
}
