import ThriftCompact
import XCTest

@testable import Parquet

/// The Thrift codecs generated from ParquetThrift.fields: required fields named in errors by
/// their parquet.thrift names, values this reader does not know left out where the
/// declaration says so, unknown fields skipped, and every structure written back to the same
/// bytes it was read from.
final class ThriftFieldsTests: XCTestCase {
    /// A ColumnMetaData with an unknown encoding, an encoding-stats entry of an unknown page
    /// type, an unknown field and all required fields.
    private func columnMetaData(omitting omitted: Int16? = nil) -> [UInt8] {
        var w = CompactWriter()
        func field(_ id: Int16, _ body: (inout CompactWriter) -> Void) {
            if id != omitted { body(&w) }
        }
        field(1) { $0.write(field: 1, PhysicalType.int64.rawValue) }
        field(2) { w in
            w.beginListField(2, elementType: .i32, count: 3)
            for e in [Encoding.plain.rawValue, 99, Encoding.rle.rawValue] { w.writeI32(e) }
        }
        field(3) { w in
            w.beginListField(3, elementType: .binary, count: 1)
            w.writeString("id")
        }
        field(4) { $0.write(field: 4, CompressionKind.zstd.rawValue) }
        field(5) { $0.write(field: 5, Int64(10)) }
        field(6) { $0.write(field: 6, Int64(80)) }
        field(7) { $0.write(field: 7, Int64(40)) }
        field(9) { $0.write(field: 9, Int64(4)) }
        field(13) { w in
            w.beginListField(13, elementType: .struct, count: 2)
            for pageType in [PageType.dataPage.rawValue, 42] {
                w.beginStruct()
                w.write(field: 1, pageType)
                w.write(field: 2, Encoding.plain.rawValue)
                w.write(field: 3, Int32(1))
                w.endStruct()
            }
        }
        w.write(field: 20, "a field from a newer writer")
        w.endStruct()
        return w.bytes
    }

    func testUnknownValuesAreLeftOutAndUnknownFieldsSkipped() throws {
        var r = CompactReader(bytes: columnMetaData())
        let meta = try ColumnMetaData(from: &r)
        XCTAssertEqual(meta.encodings, [.plain, .rle], "the unknown encoding 99 is left out")
        XCTAssertEqual(meta.pathInSchema, ["id"])
        XCTAssertEqual(meta.codec, .zstd)
        XCTAssertEqual(meta.encodingStats, [PageEncodingStats(pageType: .dataPage, encoding: .plain, count: 1)])
        XCTAssertNil(meta.statistics)
    }

    func testAMissingRequiredFieldIsNamedAsParquetThriftNamesIt() {
        for (id, name) in [(1, "type"), (2, "encodings"), (3, "path_in_schema"), (9, "data_page_offset")] {
            var r = CompactReader(bytes: columnMetaData(omitting: Int16(id)))
            XCTAssertThrowsError(try ColumnMetaData(from: &r)) { error in
                XCTAssertEqual(
                    error as? ThriftError, .missingField(structName: "ColumnMetaData", field: name), "\(error)")
            }
        }
        var w = CompactWriter()
        w.write(field: 1, true)
        w.endStruct()
        var r = CompactReader(bytes: w.bytes)
        XCTAssertThrowsError(try TimeTypeFields(from: &r)) { error in
            XCTAssertEqual(error as? ThriftError, .missingField(structName: "TimeType", field: "unit"))
        }
    }

    func testEveryStructureWritesBackTheBytesItWasReadFrom() throws {
        var element = SchemaElement(name: "ts")
        element.type = .int64
        element.repetition = .optional
        element.fieldId = 3
        element.logicalType = .timestamp(isAdjustedToUTC: true, unit: .nanos)
        var decimal = SchemaElement(name: "price")
        decimal.type = .fixedLenByteArray
        decimal.typeLength = 5
        decimal.logicalType = .decimal(precision: 10, scale: 2)
        var unsigned = SchemaElement(name: "u")
        unsigned.logicalType = .integer(bitWidth: 16, isSigned: false)
        var r = CompactReader(bytes: columnMetaData())
        var chunk = ColumnChunk(fileOffset: 4)
        chunk.metaData = try ColumnMetaData(from: &r)
        chunk.metaData?.statistics = Statistics(nullCount: 1, minValue: [1], maxValue: [9], isMinValueExact: true)
        var group = RowGroup(columns: [chunk], totalByteSize: 100, numRows: 10)
        group.sortingColumns = [SortingColumn(columnIndex: 0, descending: true, nullsFirst: false)]
        group.ordinal = 0
        let footer = FileMetaData(
            version: 2, schema: [SchemaElement(name: "root"), element, decimal, unsigned], numRows: 10,
            rowGroups: [group], keyValueMetadata: [KeyValue(key: "k", value: nil)], createdBy: "test",
            columnOrders: [true, true, true])
        let bytes = footer.serialized()
        let decoded = try FileMetaData(thrift: bytes)
        XCTAssertEqual(decoded.schema[1].logicalType, .timestamp(isAdjustedToUTC: true, unit: .nanos))
        XCTAssertEqual(decoded.schema[2].logicalType, .decimal(precision: 10, scale: 2))
        XCTAssertEqual(decoded.schema[3].logicalType, .integer(bitWidth: 16, isSigned: false))
        XCTAssertEqual(decoded.rowGroups[0].sortingColumns?.first?.descending, true)
        XCTAssertEqual(decoded.serialized(), bytes)

        var header = PageHeader(type: .dataPageV2, uncompressedPageSize: 10, compressedPageSize: 8)
        header.dataPageHeaderV2 = DataPageHeaderV2(
            numValues: 3, numNulls: 1, numRows: 3, encoding: .deltaBinaryPacked, definitionLevelsByteLength: 2,
            repetitionLevelsByteLength: 0, isCompressed: false, statistics: Statistics(nullCount: 1))
        var w = CompactWriter()
        header.serialized(into: &w)
        var hr = CompactReader(bytes: w.bytes)
        XCTAssertEqual(try PageHeader(from: &hr), header)

        let index = ColumnIndex(
            nullPages: [false, true], minValues: [[1], []], maxValues: [[5], []], boundaryOrder: .ascending,
            nullCounts: [0, 4])
        XCTAssertEqual(try ColumnIndex(thrift: index.serialized()), index)
        let offsets = OffsetIndex(pageLocations: [PageLocation(offset: 4, compressedPageSize: 30, firstRowIndex: 0)])
        XCTAssertEqual(try OffsetIndex(thrift: offsets.serialized()), offsets)
    }
}
