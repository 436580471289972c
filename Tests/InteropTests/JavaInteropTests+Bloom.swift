import Foundation
import JSONSupport
import Parquet
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// parquet-mr (the Parquet library in Spark's jars) reads the Bloom filters of a file we
    /// write: every note of a row group is found in that row group's filter, and absent notes
    /// hit it at about the configured rate (0.01).
    func testParquetMrReadsOurBloomFilters() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("bloom.parquet").path
        try BloomFilterInteropTests.writeFile(path)
        let present: [[String]] = (0..<3).map { g in
            stride(from: g * 40_000 + 1, to: min((g + 1) * 40_000, 100_000), by: 97).filter { $0 % 10 != 0 }
                .map(BloomFilterInteropTests.note)
        }
        let presentJSON = JSONValue.array(present.map { .array($0.map { .string($0) }) }).serialized()
        let code = """
            import json
            Binary = jvm.org.apache.parquet.io.api.Binary
            conf = jvm.org.apache.hadoop.conf.Configuration()
            inp = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(jvm.org.apache.hadoop.fs.Path("file://\(path)"), conf)
            reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(inp)
            present = json.loads('\(presentJSON)')
            out = []
            groups = reader.getRowGroups()
            for g in range(groups.size()):
                block = groups.get(g)
                column = [c for c in block.getColumns() if c.getPath().toDotString() == "note"][0]
                bf = reader.getBloomFilterDataReader(block).readBloomFilter(column)
                found = sum(1 for v in present[g] if bf.findHash(bf.hash(Binary.fromString(v))))
                hits = sum(1 for i in range(3000) if bf.findHash(bf.hash(Binary.fromString("absent-%d" % i))))
                out.append([found, len(present[g]), hits, bf.getBitsetSize()])
            reader.close()
            result = out
            """
        let groups = try XCTUnwrap(try spark.python(code).arrayValue)
        XCTAssertEqual(groups.count, 3)
        var hits: Int64 = 0
        for g in groups {
            let v = try XCTUnwrap(g.arrayValue)
            XCTAssertEqual(v[0], v[1], "parquet-mr finds every note of the row group: \(v)")
            XCTAssertGreaterThan(v[3].intValue ?? 0, 0)
            hits += v[2].intValue ?? 0
        }
        let rate = Double(hits) / 9000
        XCTAssertLessThan(rate, 0.02, "parquet-mr's false-positive rate on absent notes: \(rate)")
    }

    /// The Bloom filters Iceberg Java writes (`write.parquet.bloom-filter-enabled.column.note`)
    /// are read and used by our scans: each row group keeps the notes it holds and rules out
    /// absent ones, and a scan for one note returns what Java returns.
    func testWeReadAndUseTheBloomFiltersJavaWrites() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let t = shared.spark("db.javabloom")
        try spark.sql(
            "CREATE TABLE \(t) (id BIGINT, note STRING) USING iceberg TBLPROPERTIES ('write.parquet.bloom-filter-enabled.column.note'='true', 'write.parquet.row-group-size-bytes'='65536')"
        )
        try spark.sql(
            "INSERT INTO \(t) SELECT id, concat('note-', cast(id * 7919 % 100003 AS STRING)) FROM range(0, 60000) ORDER BY id"
        )
        let table = try await shared.catalog.loadTable("db.javabloom")
        let schema = table.schema
        var groups = 0
        var ruledOut = 0
        for task in try await table.scan().planFiles() {
            let reader = try DataFileReader(input: try FileInput(path: task.file.filePath), schema: schema)
            for g in 0..<reader.rowGroupCount {
                groups += 1
                let batch = try reader.read(rowGroup: g)
                let notes = try batch.jsonRows().compactMap { $0["note"]?.stringValue }
                for n in notes.prefix(50) {
                    let held = try FilterParser.parse("note = '\(n)'").bind(schema)
                    XCTAssertTrue(reader.bloomFiltersMayMatch(g, held), "Java's filter must hold \(n)")
                }
                let absent = try FilterParser.parse("note = 'absent-\(g)'").bind(schema)
                if !reader.bloomFiltersMayMatch(g, absent) { ruledOut += 1 }
            }
        }
        XCTAssertGreaterThan(groups, 1)
        XCTAssertGreaterThanOrEqual(ruledOut, groups - 1, "Java's filters rule out an absent note")
        let wanted = "note-\(1234 * 7919 % 100003)"
        let ours = try await table.scan(filter: "note = '\(wanted)'").rows()
        let java = try spark.sql("SELECT * FROM \(t) WHERE note = '\(wanted)'")
        XCTAssertEqual(sortedRows(ours), sortedRows(java))
        XCTAssertFalse(ours.isEmpty)
    }
}
