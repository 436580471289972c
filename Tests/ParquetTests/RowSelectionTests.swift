import XCTest

@testable import Parquet

/// Reading the selected rows of a column chunk equals reading it whole and keeping those rows,
/// for every physical type, nulls, lists, both page versions, dictionary and plain pages, with
/// and without an offset index.
final class RowSelectionTests: XCTestCase {
    static let rows = 3000

    static func schema() throws -> ParquetSchema {
        try ParquetSchema(fields: [
            .primitive("id", .int64, .required),
            .primitive("n", .int32, .optional),
            .primitive("d", .double, .optional),
            .primitive("category", .byteArray, .optional, logicalType: .string),
            .primitive("note", .byteArray, .optional, logicalType: .string),
            .primitive("flag", .boolean, .optional),
            .primitive("fixed", .fixedLenByteArray, .required, typeLength: 4),
            .primitive("f", .float, .required),
            .group(
                "tags", .optional, logicalType: .list,
                children: [.group("list", .repeated, children: [.primitive("element", .int32, .optional)])]),
        ])
    }

    static func columns() -> [ColumnData] {
        let n = rows
        var nDefs: [UInt8] = []
        var nValues: [Int32] = []
        var dDefs: [UInt8] = []
        var dValues: [Double] = []
        var cDefs: [UInt8] = []
        var categories: [String] = []
        var notes = ByteArrayBuffer()
        var noteDefs: [UInt8] = []
        var flags: [Bool] = []
        var flagDefs: [UInt8] = []
        var fixed: [UInt8] = []
        var tagValues: [Int32] = []
        var tagDefs: [UInt8] = []
        var tagReps: [UInt8] = []
        for i in 0..<n {
            nDefs.append(i % 7 == 0 ? 0 : 1)
            if i % 7 != 0 { nValues.append(Int32(i * 3)) }
            dDefs.append(i % 11 == 3 ? 0 : 1)
            if i % 11 != 3 { dValues.append(Double(i) / 4) }
            cDefs.append(i % 13 == 5 ? 0 : 1)
            if i % 13 != 5 { categories.append(["books", "games", "toys"][i % 3]) }
            noteDefs.append(i % 17 == 1 ? 0 : 1)
            if i % 17 != 1 { notes.append("note-\(i)-\(String(repeating: "x", count: i % 9))") }
            flagDefs.append(i % 5 == 4 ? 0 : 1)
            if i % 5 != 4 { flags.append(i % 3 == 0) }
            fixed += [UInt8(i & 0xFF), UInt8(i >> 8 & 0xFF), 7, 9]
            // tags: null every 10th row, empty every 10th + 1, else 1–3 elements, a null element sometimes.
            switch i % 10 {
            case 0:
                tagDefs.append(0)
                tagReps.append(0)
            case 1:
                tagDefs.append(1)
                tagReps.append(0)
            default:
                for k in 0..<(1 + i % 3) {
                    tagReps.append(k == 0 ? 0 : 1)
                    if (i + k) % 19 == 0 {
                        tagDefs.append(2)
                    } else {
                        tagDefs.append(3)
                        tagValues.append(Int32(i * 10 + k))
                    }
                }
            }
        }
        return [
            ColumnData(values: .int64((0..<n).map { Int64($0) * 5 })),
            ColumnData(values: .int32(nValues), definitionLevels: nDefs),
            ColumnData(values: .double(dValues), definitionLevels: dDefs),
            ColumnData(values: .byteArray(ByteArrayBuffer(strings: categories)), definitionLevels: cDefs),
            ColumnData(values: .byteArray(notes), definitionLevels: noteDefs),
            ColumnData(values: .boolean(flags), definitionLevels: flagDefs),
            ColumnData(values: .fixedLenByteArray(FixedByteBuffer(width: 4, data: fixed))),
            ColumnData(values: .float((0..<n).map { Float($0) / 2 })),
            ColumnData(values: .int32(tagValues), definitionLevels: tagDefs, repetitionLevels: tagReps),
        ]
    }

    /// Selections: scattered ranges, one row, none, every third row, the first and the last rows.
    static func selections() -> [RowSelection] {
        let n = rows
        var scattered: [Range<Int>] = []
        var start = 3
        while start < n {
            scattered.append(start..<min(n, start + 1 + start % 37))
            start += 150 + start % 211
        }
        return [
            RowSelection(scattered), RowSelection([1234..<1235]), RowSelection([]),
            RowSelection(stride(from: 0, to: n, by: 3).map { $0..<$0 + 1 }), RowSelection([0..<40, n - 40..<n]),
            RowSelection([0..<n - 1]),
        ]
    }

    func testSelectedRowsEqualTheWholeChunkNarrowed() throws {
        let schema = try Self.schema()
        let columns = Self.columns()
        for version in [DataPageVersion.v1, .v2] {
            for pageIndex in [true, false] {
                for dictionary in [true, false] {
                    var options = ParquetWriterOptions()
                    options.dataPageSize = 600
                    options.dataPageVersion = version
                    options.writePageIndex = pageIndex
                    options.enableDictionary = dictionary
                    options.rowGroupRows = 2000
                    if !dictionary {
                        options.columnEncodings = ["id": .deltaBinaryPacked, "note": .deltaLengthByteArray]
                    }
                    let bytes = try writeInMemory(schema, [columns], options)
                    let reader = try ParquetReader(input: MemoryInput(bytes))
                    XCTAssertEqual(reader.rowGroupCount, 2)
                    for g in 0..<reader.rowGroupCount {
                        let groupRows = Int(reader.metadata.rowGroups[g].numRows)
                        for c in schema.columns.indices {
                            let whole = try reader.readColumn(rowGroup: g, column: c)
                            for selection in Self.selections() {
                                let local = selection.intersection(.all(groupRows))
                                var keep = [Bool](repeating: false, count: groupRows)
                                for r in local.ranges { for i in r { keep[i] = true } }
                                let expected = whole.selecting(
                                    rows: keep, maxDefinitionLevel: schema.columns[c].maxDefinitionLevel)
                                let got = try reader.readColumn(rowGroup: g, column: c, rows: local)
                                XCTAssertEqual(
                                    got, expected,
                                    "\(version) index \(pageIndex) dictionary \(dictionary) group \(g) column \(schema.columns[c].path) selection \(local)"
                                )
                            }
                        }
                    }
                    // Pages holding no selected row are not decoded.
                    let before = reader.statistics
                    _ = try reader.readColumn(rowGroup: 0, column: 7, rows: RowSelection([1234..<1235]))
                    let after = reader.statistics
                    XCTAssertEqual(after.pagesDecoded - before.pagesDecoded, 1, "\(version) index \(pageIndex)")
                    XCTAssertGreaterThanOrEqual(
                        after.pagesSkipped - before.pagesSkipped, 2,
                        "\(version) index \(pageIndex) dictionary \(dictionary)")
                    if pageIndex && !dictionary {
                        let chunk = Int(reader.metadata.rowGroups[0].columns[7].metaData!.totalCompressedSize)
                        let index = Int(reader.metadata.rowGroups[0].columns[7].offsetIndexLength!)
                        XCTAssertLessThan(
                            after.bytesRead - before.bytesRead - index, chunk / 3, "only one page is read")
                    }
                }
            }
        }
    }

    /// Page indexes that are garbage or describe pages outside the chunk are not trusted: the
    /// selected rows are still right (read through the chunk's pages in order).
    func testBrokenOffsetIndexesFallBackToTheChunk() throws {
        let schema = try Self.schema()
        var options = ParquetWriterOptions()
        options.dataPageSize = 600
        let good = try writeInMemory(schema, [Self.columns()], options)
        let selection = RowSelection([5..<9, 1500..<1510, 2990..<3000])
        let expected = try ParquetReader(input: MemoryInput(good)).readColumn(
            rowGroup: 0, column: 4, rows: selection)
        let meta = try ParquetReader(input: MemoryInput(good)).metadata.rowGroups[0].columns[4]
        let offset = Int(try XCTUnwrap(meta.offsetIndexOffset))
        let length = Int(try XCTUnwrap(meta.offsetIndexLength))
        // Garbage: the offset index does not decode.
        var garbage = good
        for i in offset..<offset + length { garbage[i] = 0xFF }
        let broken = try ParquetReader(input: MemoryInput(garbage))
        XCTAssertThrowsError(try broken.offsetIndex(rowGroup: 0, column: 4))
        XCTAssertEqual(try broken.readColumn(rowGroup: 0, column: 4, rows: selection), expected)
        // Well-formed but lying: page offsets moved past the chunk.
        var index = try XCTUnwrap(try ParquetReader(input: MemoryInput(good)).offsetIndex(rowGroup: 0, column: 4))
        let chunkEnd = Int(meta.metaData!.dataPageOffset + meta.metaData!.totalCompressedSize)
        index.pageLocations[index.pageLocations.count - 1].offset = Int64(chunkEnd + 100)
        let plan = PagePlan(
            index, chunk: Int(meta.metaData!.dataPageOffset)..<chunkEnd, rows: selection, groupRows: Self.rows)
        XCTAssertNil(plan, "an index pointing outside the chunk is not used")
    }

    func testSelectionAlgebra() {
        let a = RowSelection([5..<10, 0..<3, 9..<12, 20..<20])
        XCTAssertEqual(a.ranges, [0..<3, 5..<12])
        XCTAssertEqual(a.rowCount, 10)
        XCTAssertEqual(a.intersection(RowSelection([2..<6, 11..<30])).ranges, [2..<3, 5..<6, 11..<12])
        XCTAssertEqual(a.union(RowSelection([3..<5])).ranges, [0..<12])
        XCTAssertTrue(a.overlaps(11..<15))
        XCTAssertFalse(a.overlaps(3..<5))
        XCTAssertFalse(a.overlaps(12..<40))
        XCTAssertEqual(
            RowSelection(rows: a, keeping: [true, false, true] + Array(repeating: true, count: 7)).ranges,
            [0..<1, 2..<3, 5..<12])
        XCTAssertTrue(RowSelection.all(7).coversAll(7))
        XCTAssertFalse(a.coversAll(12))
    }
}
