import Foundation
import JSONSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// The page indexes parquet-mr writes for Iceberg Java (2 KB pages) prune pages of our
    /// scans for `=`, `<`, `>`, `in`, `is null` and `starts with`; the rows equal Spark's.
    func testThePageIndexesJavaWritesPrunePagesOfOurScans() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).pidx")
        let t = shared.spark("pidx.paged")
        try spark.sql(
            "CREATE TABLE \(t) (id BIGINT, note STRING, qty INT) USING iceberg TBLPROPERTIES ('write.parquet.page-size-bytes'='2048', 'write.parquet.dict-size-bytes'='2048')"
        )
        try spark.sql(
            "INSERT INTO \(t) SELECT id, CASE WHEN id % 17 = 0 THEN NULL ELSE format_string('n-%06d', id) END, CAST(id % 50 AS INT) FROM range(0, 30000) ORDER BY id"
        )
        let table = try await shared.catalog.loadTable("pidx.paged")
        for filter in [
            "id = 12345", "id < 150", "id > 29950", "id in (3, 10007, 29999)", "note like 'n-0123%'",
            "note is null and id < 1000", "qty = 7 and id >= 5000 and id < 5400",
        ] {
            let metrics = ScanMetrics()
            var ours: [JSONValue] = []
            for try await batch in try table.scan(filter: filter).batches(metrics: metrics) {
                ours += try batch.jsonRows()
            }
            let sql = filter.replacingOccurrences(of: "note like 'n-0123%'", with: "note LIKE 'n-0123%'")
            let java = try spark.sql("SELECT * FROM \(t) WHERE \(sql)")
            XCTAssertFalse(java.isEmpty, filter)
            XCTAssertEqual(sortedRows(ours), sortedRows(java), filter)
            let report = metrics.report
            XCTAssertGreaterThan(report.pagesIndexed, 10, "\(filter): \(report)")
            XCTAssertGreaterThan(report.pagesPrunedByPageIndex, report.pagesIndexed / 2, "\(filter): \(report)")
            XCTAssertGreaterThan(report.pagesSkipped, 0, "\(filter): \(report)")
        }
    }
}
