import Foundation
import JSONSupport
import Parquet
import TestSupport
import XCTest

@testable import Iceberg

/// Filtered scans read the filter's columns first, in the pages the column index allows, and
/// the other columns only for the rows that pass: the rows equal a full read filtered row by
/// row, for every type, nulls, nesting, position and equality deletes, and projections with
/// and without the filter's columns.
final class LateMaterializationTests: XCTestCase {
    static let schema = ColumnarScanTests.schema

    /// The rows a filter keeps, judged row by row on JSON values (the reference).
    static func expected(_ rows: [JSONValue], _ filter: BoundExpression, columns: [String]?) -> [JSONValue] {
        rows.filter { row in
            filter.evaluate { id in
                guard let path = schema.columnName(id: id), let type = schema.type(ofFieldId: id) else { return nil }
                var v: JSONValue? = row
                for p in path.split(separator: ".") { v = v?[String(p)] }
                if !type.isPrimitive { return (v == nil || v == .null) ? nil : .boolean(true) }
                return try? Literal.from(json: v ?? .null, type: type)
            }
        }.map { row in
            guard let columns, case .object(let fields) = row else { return row }
            return .object(fields.filter { columns.contains($0.0) })
        }
    }

    func testFilteredScansEqualRowByRowFiltering() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "late").catalog
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "late")
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: try Schema(identifierFieldIds: [1], fields: Self.schema.fields), spec: .unpartitioned,
                properties: [
                    ("format-version", "2"), ("write.parquet.page-size-bytes", "512"),
                    ("commit.retry.min-wait-ms", "1"),
                ]))
        var table = try await catalog.loadTable(id)
        let source = ColumnarScanTests.rows(4000)
        var txn = table.newTransaction()
        txn.append(jsonRows: source.enumerated().map { ($0.offset + 1, $0.element) })
        table = try await txn.commit()
        // Position deletes (merge-on-read) and equality deletes (an upsert) on top.
        try await table.delete(where: try FilterParser.parse("id >= 100 and id < 180 or i = 3"), mode: .mergeOnRead)
        let replaced = (2000..<2100).map { n -> JSONValue in
            guard case .object(var fields) = source[n] else { return source[n] }
            fields = fields.map { $0.0 == "s" ? ($0.0, .string("replaced")) : $0 }
            return .object(fields)
        }
        try await table.upsert(
            replaced.enumerated().map { ($0.offset + 1, $0.element) }, options: .init(strategy: .equalityDeletes))
        let all = try await table.scan().rows()
        let deleted = source.filter { r in
            let n = r["id"]!.intValue!
            return ((100..<180).contains(n) || r["i"] == .int(3)) && !(2000..<2100).contains(n)
        }
        XCTAssertEqual(all.count, source.count - deleted.count)
        let files = try await table.scan().planFiles()
        XCTAssertTrue(files.contains { !$0.deletes.isEmpty }, "deletes apply")

        let filters = [
            "id = 2050", "id >= 150 and id < 160", "id < 40 or id > 3990", "id in (7, 1234, 2099, 3999)",
            "i < 0", "i = 7", "i is null", "i not in (1, 2, 3)", "d < 0", "d is nan", "d is not null",
            "f > 2.5", "s = 'apple'", "s = 'replaced'", "s like 'app%'", "s in ('', '日本')", "s != ''",
            "small > 12.34", "big <= 300000000000000.000", "day >= '2022-01-10'", "flag = true",
            "u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'", "ts < '2023-11-16T00:00:00+00:00'", "tags is null",
            "loc is null", "loc.city = 'zebra'", "loc.zip > 50000", "i > 0 and (s like 'a%' or d < 0)",
            "not (i > 0 and flag = true) or loc.zip < 100", "id > 100000",
        ]
        for text in filters {
            let bound = try FilterParser.parse(text).bind(table.schema)
            for columns in [nil, ["id", "tags", "loc"], ["s"], ["ts", "u", "big"]] as [[String]?] {
                let metrics = ScanMetrics()
                var scan = try table.scan().filtered(try FilterParser.parse(text))
                if let columns { scan = try scan.selecting(columns) }
                var got: [JSONValue] = []
                for try await batch in scan.batches(metrics: metrics) { got += try batch.jsonRows() }
                let want = Self.expected(all, bound, columns: columns)
                XCTAssertEqual(got.count, want.count, "\(text) \(columns ?? [])")
                XCTAssertEqual(got, want, "\(text) \(columns ?? [])")
                XCTAssertEqual(metrics.report.rowsReturned, want.count, text)
            }
        }

        // A narrow id range is found through the page index: most pages of the filter's column
        // are ruled out, and the other columns decode only the pages holding the rows.
        let metrics = ScanMetrics()
        let scan = try table.scan().filtered(try FilterParser.parse("id >= 3000 and id < 3005"))
        var rows = 0
        for try await batch in scan.batches(metrics: metrics) { rows += batch.rowCount }
        XCTAssertEqual(rows, 5)
        let report = metrics.report
        XCTAssertGreaterThan(report.pagesIndexed, 10)
        XCTAssertGreaterThan(report.pagesPrunedByPageIndex, report.pagesIndexed * 3 / 4, "\(report)")
        XCTAssertGreaterThan(report.pagesSkipped, report.pagesDecoded, "\(report)")
        XCTAssertLessThan(report.rowsTested, 1000, "\(report)")
        XCTAssertGreaterThan(report.bytesRead, 0)

        // `_pos` gives the positions of the selected rows.
        let positions = try table.scan().filtered(try FilterParser.parse("id in (5, 3001)")).selecting(["id", "_pos"])
        let posRows = try await positions.rows()
        XCTAssertEqual(posRows.map { $0["id"] }, [.int(5), .int(3001)])
        XCTAssertEqual(
            files.filter { $0.file.recordCount >= 4000 }.count, 1, "one data file holds the rows in id order")
        for r in posRows { XCTAssertEqual(r["_pos"], r["id"], "the position is the id") }
    }

    /// Files are opened ahead of their turn: batches still come in file order, and a data file
    /// that cannot be opened fails the scan when its turn comes, naming it, after the rows of
    /// the files before it.
    func testFilesOpenedAheadKeepOrderAndReportAMissingFileInTurn() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "ahead").catalog
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "ahead")
        _ = try await catalog.createTable(
            id, TableCreation(schema: try Schema(fields: [.required(1, "id", .long)]), spec: .unpartitioned))
        var table = try await catalog.loadTable(id)
        for n in 0..<12 {
            var txn = table.newTransaction()
            txn.append(jsonRows: (0..<10).map { (n * 10 + $0 + 1, .object([("id", .int(Int64(n * 10 + $0)))])) })
            table = try await txn.commit()
        }
        let planned = try await table.scan().planFiles()
        XCTAssertEqual(planned.count, 12)
        // The planned order, file by file, read one file at a time.
        var expected: [Int64] = []
        for task in planned {
            let reader = try await DataFileReader.open(
                try await table.io.input(task.file.filePath), schema: table.schema)
            expected += try reader.read(rowGroup: 0).jsonRows().map { $0["id"]!.intValue! }
        }
        var order: [Int64] = []
        for try await batch in try table.scan().batches() { order += try batch.jsonRows().map { $0["id"]!.intValue! } }
        XCTAssertEqual(order.count, 120)
        XCTAssertEqual(order, expected, "batches in the planned file order")

        let missing = planned[5].file.filePath
        try FileManager.default.removeItem(atPath: missing)
        var seen = 0
        var batches = try table.scan().batches().makeAsyncIterator()
        do {
            while let batch = try await batches.next() { seen += batch.rowCount }
            XCTFail("the scan read a missing file")
        } catch {
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
        XCTAssertEqual(seen, 50, "the rows of the five files before it")
        let after = try await batches.next()
        XCTAssertNil(after, "the scan ends with the error")
    }

    /// Scans keep the footers of the files they open in their footer cache: a second scan of
    /// the same files reads no footer (three reads fewer per file) and returns the same rows;
    /// a scan without a cache reads every footer.
    func testFootersKeptBetweenScansAreNotReadAgain() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "footers").catalog
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "footers")
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: try Schema(fields: [.required(1, "id", .long), .optional(2, "s", .string)]),
                spec: .unpartitioned))
        var table = try await catalog.loadTable(id)
        for n in 0..<4 {
            var txn = table.newTransaction()
            txn.append(
                jsonRows: (0..<25).map {
                    let v = Int64(n * 25 + $0)
                    return ($0 + 1, .object([("id", .int(v)), ("s", .string("v\(v)"))]))
                })
            table = try await txn.commit()
        }
        let cache = ParquetFooterCache(capacityBytes: 1 << 20)
        func scan(_ text: String, _ footers: ParquetFooterCache?) async throws -> ([JSONValue], ScanReport) {
            let metrics = ScanMetrics()
            var rows: [JSONValue] = []
            let scan = try table.scan(filter: text).cachingFooters(in: footers)
            for try await batch in scan.batches(metrics: metrics) { rows += try batch.jsonRows() }
            return (rows, metrics.report)
        }
        let (uncached, plain) = try await scan("id >= 10 and id < 90", ParquetFooterCache?.none)
        XCTAssertEqual(uncached.count, 80)
        XCTAssertEqual(cache.count, 0)
        let (first, cold) = try await scan("id >= 10 and id < 90", cache)
        XCTAssertEqual(cache.count, 4, "one footer per data file")
        XCTAssertEqual(cold.reads, plain.reads)
        XCTAssertEqual(cold.bytesRead, plain.bytesRead)
        let (second, warm) = try await scan("id >= 10 and id < 90", cache)
        XCTAssertEqual(first, uncached)
        XCTAssertEqual(second, uncached)
        XCTAssertEqual(warm.reads, cold.reads - 3 * 4, "\(warm.lines) against \(cold.lines)")
        XCTAssertLessThan(warm.bytesRead, cold.bytesRead)
        // Another filter on the same files uses the same footers.
        let (other, _) = try await scan("s = 'v42'", cache)
        XCTAssertEqual(other, [JSONValue.object([("id", .int(42)), ("s", .string("v42"))])])
        XCTAssertEqual(cache.count, 4)
    }
}
