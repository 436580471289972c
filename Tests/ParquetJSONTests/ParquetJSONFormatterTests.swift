import JSONSupport
import Parquet
import ParquetJSON
import XCTest

/// Parquet values as JSON text in the SDK's value convention, by logical type: every leaf
/// form the formatter writes, checked to the character, and the footer description's names.
final class ParquetJSONFormatterTests: XCTestCase {
    /// Writes one row of `columns` under `fields` and formats it as the formatter does.
    private func formatted(_ fields: [SchemaNode], _ columns: [ColumnData]) throws -> String {
        let schema = try ParquetSchema(fields: fields)
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: schema, options: ParquetWriterOptions())
        try writer.write(columns)
        try writer.close()
        let reader = try ParquetReader(input: MemoryInput(sink.bytes))
        let assembler = try RecordAssembler(schema: reader.schema)
        let formatter = ParquetJSONFormatter(assembler: assembler)
        let rows = try assembler.assemble(try reader.readRowGroup(0)).map(formatter.format)
        XCTAssertEqual(rows.count, 1)
        return rows.first ?? ""
    }

    private func one<T>(_ make: ([T]) -> ColumnValues, _ value: T) -> ColumnData {
        ColumnData(values: make([value]), definitionLevels: nil, repetitionLevels: nil)
    }

    /// Milli- and microsecond values print 6 fraction digits, nanosecond values 9.
    func testTemporalValuesByUnit() throws {
        let text = try formatted(
            [
                .primitive("d", .int32, .required, logicalType: .date),
                .primitive("tm", .int32, .required, logicalType: .time(isAdjustedToUTC: false, unit: .millis)),
                .primitive("tu", .int64, .required, logicalType: .time(isAdjustedToUTC: false, unit: .micros)),
                .primitive("ts", .int64, .required, logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros)),
                .primitive("tl", .int64, .required, logicalType: .timestamp(isAdjustedToUTC: false, unit: .millis)),
                .primitive("tn", .int64, .required, logicalType: .timestamp(isAdjustedToUTC: true, unit: .nanos)),
            ],
            [
                one(ColumnValues.int32, 20_427),  // 2025-12-05
                one(ColumnValues.int32, 45_296_789),  // 12:34:56.789
                one(ColumnValues.int64, 45_296_000_001),
                one(ColumnValues.int64, 1_764_936_000_000_000),  // 2025-12-05T12:00:00Z
                one(ColumnValues.int64, -1),
                one(ColumnValues.int64, 1_000_000_001),
            ])
        XCTAssertEqual(
            text,
            #"{"d":"2025-12-05","tm":"12:34:56.789000","tu":"12:34:56.000001","ts":"2025-12-05T12:00:00.000000+00:00","tl":"1969-12-31T23:59:59.999000","tn":"1970-01-01T00:00:01.000000001+00:00"}"#
        )
    }

    func testDecimalsUnsignedFloatsAndBytes() throws {
        var fixed = FixedByteBuffer(width: 5)
        fixed.data = [0xFF, 0xFF, 0xFF, 0xFF, 0x85]  // -123
        var uuid = FixedByteBuffer(width: 16)
        uuid.data = Array(0..<16)
        var half = FixedByteBuffer(width: 2)
        half.data = [0x00, 0x3E]  // 1.5
        let text = try formatted(
            [
                .primitive("d32", .int32, .required, logicalType: .decimal(precision: 9, scale: 2)),
                .primitive("d64", .int64, .required, logicalType: .decimal(precision: 18, scale: 3)),
                .primitive(
                    "dfix", .fixedLenByteArray, .required, logicalType: .decimal(precision: 11, scale: 1), typeLength: 5
                ),
                .primitive("u32", .int32, .required, logicalType: .integer(bitWidth: 32, isSigned: false)),
                .primitive("u64", .int64, .required, logicalType: .integer(bitWidth: 64, isSigned: false)),
                .primitive("f", .float, .required),
                .primitive("nan", .double, .required),
                .primitive("id", .fixedLenByteArray, .required, logicalType: .uuid, typeLength: 16),
                .primitive("h", .fixedLenByteArray, .required, logicalType: .float16, typeLength: 2),
                .primitive("s", .byteArray, .required, logicalType: .string),
                .primitive("raw", .byteArray, .required),
            ],
            [
                one(ColumnValues.int32, -1250),
                one(ColumnValues.int64, 5),
                ColumnData(values: .fixedLenByteArray(fixed), definitionLevels: nil, repetitionLevels: nil),
                one(ColumnValues.int32, -1),
                one(ColumnValues.int64, -1),
                one(ColumnValues.float, Float.infinity),
                one(ColumnValues.double, Double.nan),
                ColumnData(values: .fixedLenByteArray(uuid), definitionLevels: nil, repetitionLevels: nil),
                ColumnData(values: .fixedLenByteArray(half), definitionLevels: nil, repetitionLevels: nil),
                ColumnData(
                    values: .byteArray(ByteArrayBuffer(strings: ["é \"q\""])), definitionLevels: nil,
                    repetitionLevels: nil),
                ColumnData(
                    values: .byteArray(ByteArrayBuffer(strings: ["\u{1}\u{7f}"])), definitionLevels: nil,
                    repetitionLevels: nil),
            ])
        XCTAssertEqual(
            text,
            #"{"d32":"-12.50","d64":"0.005","dfix":"-12.3","u32":4294967295,"u64":18446744073709551615,"f":"Infinity","nan":"NaN","id":"00010203-0405-0607-0809-0a0b0c0d0e0f","h":1.5,"s":"é \"q\"","raw":"017f"}"#
        )
    }

    func testInt96TimestampsAndNulls() throws {
        // Julian day 2_440_589 (1970-01-02), 1 ns into the day.
        var int96 = FixedByteBuffer(width: 12)
        int96.data = [1, 0, 0, 0, 0, 0, 0, 0] + [0x8D, 0x3D, 0x25, 0x00]
        let text = try formatted(
            [.primitive("legacy", .int96, .required), .primitive("maybe", .int32, .optional)],
            [
                ColumnData(values: .int96(int96), definitionLevels: nil, repetitionLevels: nil),
                ColumnData(values: .int32([]), definitionLevels: [0], repetitionLevels: nil),
            ])
        XCTAssertEqual(text, #"{"legacy":"1970-01-02T00:00:00.000000001","maybe":null}"#)
        XCTAssertEqual(Int96Timestamp.nanosSinceEpoch(int96.data), 86_400_000_000_001)
    }

    func testFooterDescriptionNamesLogicalTypes() throws {
        XCTAssertEqual(ParquetDescription.logicalName(.decimal(precision: 9, scale: 2)), "DECIMAL(9,2)")
        XCTAssertEqual(
            ParquetDescription.logicalName(.timestamp(isAdjustedToUTC: true, unit: .micros)), "TIMESTAMP(MICROS,true)")
        let schema = try ParquetSchema(fields: [.primitive("id", .int64, .required, fieldId: 7)])
        let described = ParquetDescription.schema(schema)
        XCTAssertTrue(described.serialized().contains(#""id""#), described.serialized())
    }
}
