import ParquetJSON
import XCTest

@testable import Iceberg
@testable import Parquet

func writeInMemory(
    _ schema: ParquetSchema, _ batches: [[ColumnData]], _ options: ParquetWriterOptions = ParquetWriterOptions()
) throws -> [UInt8] {
    let sink = MemorySink()
    let writer = try ParquetWriter(sink: sink, schema: schema, options: options)
    for b in batches { try writer.write(b) }
    try writer.close()
    return sink.bytes
}

func readRows(_ bytes: [UInt8]) throws -> [String] {
    let reader = try ParquetReader(input: MemoryInput(bytes))
    let assembler = try RecordAssembler(schema: reader.schema)
    let formatter = ParquetJSONFormatter(assembler: assembler)
    var rows: [String] = []
    for g in 0..<reader.rowGroupCount {
        rows += try assembler.assemble(try reader.readRowGroup(g)).map(formatter.format)
    }
    return rows
}

final class WriterReaderTests: XCTestCase {
    /// Legacy list layouts from older writers: 2-level lists, `array`-named elements, bare
    /// repeated fields and MAP_KEY_VALUE maps, read with the spec's compatibility rules.
    func testLegacyListAndMapLayouts() throws {
        let schema = try ParquetSchema(fields: [
            // optional group two_level (LIST) { repeated int32 element; }
            .group("two_level", .optional, convertedType: .list, children: [.primitive("element", .int32, .repeated)]),
            // optional group tuple (LIST) { repeated group array { required binary s (UTF8); } }
            .group(
                "tuple", .optional, logicalType: .list, convertedType: .list,
                children: [
                    .group("array", .repeated, children: [.primitive("s", .byteArray, .required, logicalType: .string)])
                ]),
            // repeated int64 bare;
            .primitive("bare", .int64, .repeated),
            // optional group m (MAP_KEY_VALUE) { repeated group map { required binary key; optional int32 value; } }
            .group(
                "m", .optional, convertedType: .mapKeyValue,
                children: [
                    .group(
                        "map", .repeated,
                        children: [
                            .primitive("key", .byteArray, .required, logicalType: .string),
                            .primitive("value", .int32, .optional),
                        ])
                ]),
        ])
        // Row 1: two_level [1,2], tuple [{s:"a"}], bare [10], m {"k": 1}
        // Row 2: two_level null, tuple [], bare [], m {"z": null}
        let columns = [
            ColumnData(values: .int32([1, 2]), definitionLevels: [2, 2, 0], repetitionLevels: [0, 1, 0]),
            ColumnData(
                values: .byteArray(ByteArrayBuffer(strings: ["a"])), definitionLevels: [2, 1], repetitionLevels: [0, 0]),
            ColumnData(values: .int64([10]), definitionLevels: [1, 0], repetitionLevels: [0, 0]),
            ColumnData(
                values: .byteArray(ByteArrayBuffer(strings: ["k", "z"])), definitionLevels: [2, 2],
                repetitionLevels: [0, 0]),
            ColumnData(values: .int32([1]), definitionLevels: [3, 2], repetitionLevels: [0, 0]),
        ]
        let rows = try readRows(try writeInMemory(schema, [columns]))
        XCTAssertEqual(
            rows,
            [
                #"{"two_level":[1,2],"tuple":[{"s":"a"}],"bare":[10],"m":{"keys":["k"],"values":[1]}}"#,
                #"{"two_level":null,"tuple":[],"bare":[],"m":{"keys":["z"],"values":[null]}}"#,
            ])
    }

    func testRowGroupsSplitByRowsAndBytes() throws {
        let schema = try ParquetSchema(fields: [
            .primitive("x", .int64, .required), .primitive("s", .byteArray, .optional, logicalType: .string),
        ])
        var options = ParquetWriterOptions()
        options.rowGroupRows = 3000
        options.dataPageSize = 1000
        let n = 10_000
        var strings = ByteArrayBuffer()
        var defs: [UInt8] = []
        for i in 0..<n {
            if i % 5 == 0 {
                defs.append(0)
            } else {
                defs.append(1)
                strings.append("v\(i)")
            }
        }
        let bytes = try writeInMemory(
            schema,
            [
                [
                    ColumnData(values: .int64(Array(0..<Int64(n)))),
                    ColumnData(values: .byteArray(strings), definitionLevels: defs),
                ]
            ], options)
        let reader = try ParquetReader(input: MemoryInput(bytes))
        XCTAssertEqual(reader.metadata.rowGroups.map(\.numRows), [3000, 3000, 3000, 1000])
        var all: [Int64] = []
        for g in 0..<reader.rowGroupCount {
            guard case .int64(let v) = try reader.readColumn(rowGroup: g, column: 0).values else { return XCTFail() }
            all += v
            let index = try XCTUnwrap(try reader.offsetIndex(rowGroup: g, column: 0))
            XCTAssertGreaterThan(index.pageLocations.count, 1, "row group \(g): \(index.pageLocations)")
            XCTAssertEqual(index.pageLocations.first?.firstRowIndex, 0)
            XCTAssertEqual(index.pageLocations.map(\.firstRowIndex), index.pageLocations.map(\.firstRowIndex).sorted())
            let ci = try XCTUnwrap(try reader.columnIndex(rowGroup: g, column: 0))
            XCTAssertEqual(ci.boundaryOrder, .ascending)
            XCTAssertEqual(ci.minValues.count, index.pageLocations.count)
        }
        XCTAssertEqual(all, Array(0..<Int64(n)))

        options = ParquetWriterOptions()
        options.rowGroupBytes = 20_000
        let small = try writeInMemory(
            schema,
            stride(from: 0, to: n, by: 500).map { start in
                [
                    ColumnData(values: .int64(Array(Int64(start)..<Int64(start + 500)))),
                    ColumnData(
                        values: .byteArray(ByteArrayBuffer(strings: (start..<start + 500).map { "s\($0)" })),
                        definitionLevels: Array(repeating: 1, count: 500)),
                ]
            }, options)
        let r2 = try ParquetReader(input: MemoryInput(small))
        XCTAssertGreaterThan(r2.rowGroupCount, 3)
        XCTAssertEqual(r2.rowCount, Int64(n))
    }

    func testDictionaryFallsBackToPlainWhenTooLarge() throws {
        let schema = try ParquetSchema(fields: [
            .primitive("s", .byteArray, .required, logicalType: .string),
            .primitive("few", .byteArray, .required, logicalType: .string),
        ])
        var options = ParquetWriterOptions()
        options.dictionaryPageSizeLimit = 10_000
        let n = 5000
        let bytes = try writeInMemory(
            schema,
            [
                [
                    ColumnData(values: .byteArray(ByteArrayBuffer(strings: (0..<n).map { "unique-value-\($0)" }))),
                    ColumnData(values: .byteArray(ByteArrayBuffer(strings: (0..<n).map { "v\($0 % 3)" }))),
                ]
            ], options)
        let reader = try ParquetReader(input: MemoryInput(bytes))
        let chunks = reader.metadata.rowGroups[0].columns.map { $0.metaData! }
        XCTAssertFalse(chunks[0].encodings.contains(.rleDictionary))
        XCTAssertNil(chunks[0].dictionaryPageOffset)
        XCTAssertTrue(chunks[1].encodings.contains(.rleDictionary))
        let rows = try readRows(bytes)
        XCTAssertEqual(rows[4999], #"{"s":"unique-value-4999","few":"v1"}"#)
    }

    func testWriterRejectsDataThatDoesNotFitTheSchema() throws {
        let schema = try ParquetSchema(fields: [
            .primitive("x", .int64, .optional), .primitive("f", .fixedLenByteArray, .required, typeLength: 4),
        ])
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: schema)
        func expectInvalid(_ columns: [ColumnData], _ fragment: String) {
            XCTAssertThrowsError(try ParquetWriter(sink: MemorySink(), schema: schema).write(columns)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        let fixed = ColumnData(values: .fixedLenByteArray(FixedByteBuffer(width: 4, data: [1, 2, 3, 4])))
        expectInvalid([ColumnData(values: .int32([1]), definitionLevels: [1]), fixed], "expected INT64")
        expectInvalid(
            [ColumnData(values: .int64([1]), definitionLevels: [1, 1]), fixed], "2 defined slots but 1 values")
        expectInvalid([ColumnData(values: .int64([1])), fixed], "needs definition levels")
        expectInvalid([ColumnData(values: .int64([1]), definitionLevels: [2]), fixed], "exceeds")
        expectInvalid(
            [
                ColumnData(values: .int64([1]), definitionLevels: [1]),
                ColumnData(values: .fixedLenByteArray(FixedByteBuffer(width: 3, data: [1, 2, 3]))),
            ], "type_length")
        expectInvalid([ColumnData(values: .int64([1, 2]), definitionLevels: [1, 1]), fixed], "has 1 rows")
        expectInvalid([fixed], "batch has 1 columns")
        // A failed writer refuses further use.
        XCTAssertThrowsError(try writer.write([fixed]))
        XCTAssertThrowsError(try writer.close()) { XCTAssertEqual($0 as? ParquetError, .writerClosed) }
    }

    func testFileSinkLeavesNoPartialFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partial-\(UUID().uuidString).parquet")
            .path
        do {
            let sink = try FileSink(path: path)
            try sink.write([1, 2, 3])
            sink.abort()
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        let dir = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
        XCTAssertFalse(dir.contains { $0.hasPrefix((path as NSString).lastPathComponent + ".tmp") })
    }

    func testKeyValueMetadataAndFieldIdsSurvive() throws {
        let schema = try ParquetSchema(fields: [.primitive("a", .int32, .required, fieldId: 17)])
        var options = ParquetWriterOptions()
        options.keyValueMetadata = [KeyValue(key: "k", value: "v")]
        let bytes = try writeInMemory(schema, [[ColumnData(values: .int32([1, 2]))]], options)
        let reader = try ParquetReader(input: MemoryInput(bytes))
        XCTAssertEqual(reader.metadata.keyValueMetadata, [KeyValue(key: "k", value: "v")])
        XCTAssertEqual(reader.schema.columns[0].node.element.fieldId, 17)
        XCTAssertEqual(reader.metadata.columnOrders, [true])
    }
}
