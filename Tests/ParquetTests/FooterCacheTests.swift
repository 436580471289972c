import XCTest

@testable import Parquet

/// Footers kept in a `ParquetFooterCache` open files again without reading them, only for a
/// file of the size they were read from, within the cache's byte budget.
final class FooterCacheTests: XCTestCase {
    private func file(rows: Int) throws -> [UInt8] {
        let schema = try ParquetSchema(fields: [.primitive("id", .int64, .required)])
        let ids = (0..<rows).map(Int64.init)
        return try writeInMemory(
            schema, [[ColumnData(values: .int64(ids), definitionLevels: [UInt8](repeating: 0, count: rows))]])
    }

    func testAReaderFromAKeptFooterReadsNoFooterAndTheSameValues() throws {
        let bytes = try file(rows: 500)
        let first = try ParquetReader(input: MemoryInput(bytes))
        XCTAssertEqual(first.statistics.reads, 3, "magic, length and footer")
        let cache = ParquetFooterCache(capacityBytes: 1 << 20)
        cache.insert(first.footer, for: "a.parquet")
        XCTAssertNil(cache.footer(for: "b.parquet", fileSize: bytes.count))
        XCTAssertNil(cache.footer(for: "a.parquet", fileSize: bytes.count + 1), "a file of another size")
        let kept = try XCTUnwrap(cache.footer(for: "a.parquet", fileSize: bytes.count))
        let again = try ParquetReader(input: MemoryInput(bytes), footer: kept)
        XCTAssertEqual(again.statistics.reads, 0)
        XCTAssertEqual(again.metadata, first.metadata)
        XCTAssertEqual(try again.readColumn(rowGroup: 0, column: 0), try first.readColumn(rowGroup: 0, column: 0))
        // A footer handed to the input of another file is refused.
        XCTAssertThrowsError(try ParquetReader(input: MemoryInput(try file(rows: 900)), footer: kept)) { error in
            XCTAssertTrue("\(error)".contains("\(bytes.count)-byte file"), "\(error)")
        }
    }

    func testTheLeastRecentlyUsedFootersGoOnceTheBudgetIsPassed() throws {
        let footer = try ParquetReader(input: MemoryInput(try file(rows: 10))).footer
        let cache = ParquetFooterCache(capacityBytes: footer.length * 7 / 2)
        for name in ["a", "b", "c"] { cache.insert(footer, for: name) }
        XCTAssertEqual(cache.count, 3)
        XCTAssertNotNil(cache.footer(for: "a", fileSize: footer.fileSize), "a is used again")
        // A fourth passes 3.5 footers: the oldest go until three quarters of it are left.
        cache.insert(footer, for: "d")
        XCTAssertEqual(cache.count, 2)
        XCTAssertNotNil(cache.footer(for: "a", fileSize: footer.fileSize))
        XCTAssertNotNil(cache.footer(for: "d", fileSize: footer.fileSize))
        XCTAssertNil(cache.footer(for: "b", fileSize: footer.fileSize))
        XCTAssertNil(cache.footer(for: "c", fileSize: footer.fileSize))
        // Replacing a location's footer does not count it twice.
        for _ in 0..<5 { cache.insert(footer, for: "d") }
        XCTAssertEqual(cache.count, 2)

        let tiny = ParquetFooterCache(capacityBytes: footer.length - 1)
        tiny.insert(footer, for: "a")
        XCTAssertEqual(tiny.count, 0, "a footer larger than the whole budget is not kept")
        cache.removeAll()
        XCTAssertEqual(cache.count, 0)
    }
}
