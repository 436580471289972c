import XCTest

@testable import Parquet

final class EncodingTests: XCTestCase {
    /// Known answer from the Parquet spec (Encodings.md): 0…7 bit-packed at width 3.
    func testRLEHybridDecodesTheSpecExample() throws {
        let bytes: [UInt8] = [0x03, 0x88, 0xC6, 0xFA]
        var out = [UInt32](repeating: 0, count: 8)
        try bytes.withUnsafeBytes { raw in
            var d = RLEHybridDecoder(raw, start: 0, end: raw.count, width: 3)
            try out.withUnsafeMutableBufferPointer { try d.decode(into: $0.baseAddress!, count: 8) }
        }
        XCTAssertEqual(out, Array(0..<8))
    }

    /// Known answer from the Parquet spec: deprecated BIT_PACKED levels are MSB first.
    func testLegacyBitPackedLevels() throws {
        let bytes: [UInt8] = [0b0000_0101, 0b0011_1001, 0b0111_0111]
        var out: [UInt8] = []
        let end = try bytes.withUnsafeBytes {
            try decodeBitPackedLevels($0, start: 0, maxLevel: 7, count: 8, into: &out)
        }
        XCTAssertEqual(out, Array(0..<8))
        XCTAssertEqual(end, 3)
    }

    func testRLEHybridRoundTripsEveryWidth() throws {
        var state: UInt64 = 7
        for width in 0...32 {
            let mask: UInt64 = width == 0 ? 0 : (width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1)
            var values: [UInt32] = []
            for i in 0..<1000 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                // Mix runs and noise.
                values.append(i % 100 < 40 ? UInt32(mask & 5) : UInt32(truncatingIfNeeded: (state >> 20) & mask))
            }
            var encoded: [UInt8] = []
            values.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, width: width, into: &encoded) }
            var decoded = [UInt32](repeating: 0, count: values.count)
            try encoded.withUnsafeBytes { raw in
                var d = RLEHybridDecoder(raw, start: 0, end: raw.count, width: width)
                try decoded.withUnsafeMutableBufferPointer { try d.decode(into: $0.baseAddress!, count: values.count) }
            }
            XCTAssertEqual(decoded, values, "width \(width)")
        }
    }

    func testDeltaBinaryPackedRoundTripsExtremes() throws {
        let cases: [[Int64]] = [
            [], [5], [1, 2, 3, 4, 5], Array(0..<1000).map { Int64($0 * $0) },
            [Int64.max, Int64.min, 0, Int64.max, -1, Int64.min, 7],
            (0..<300).map { $0 % 2 == 0 ? Int64.max : Int64.min },
        ]
        for values in cases {
            var out: [UInt8] = []
            values.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, wrap32: false, into: &out) }
            let decoded = try out.withUnsafeBytes { raw in
                var d = DeltaBinaryPackedDecoder(raw, start: 0, end: raw.count)
                return try d.decode(limit: values.count)
            }
            XCTAssertEqual(decoded, values)
        }
        // INT32 deltas wrap at 32 bits and stay within 32-bit miniblocks.
        let ints: [Int32] = [Int32.max, Int32.min, 0, Int32.min, Int32.max]
        var out: [UInt8] = []
        ints.map(Int64.init).withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, wrap32: true, into: &out) }
        let decoded = try out.withUnsafeBytes { raw in
            var d = DeltaBinaryPackedDecoder(raw, start: 0, end: raw.count)
            return try d.decode(limit: 5)
        }
        XCTAssertEqual(decoded.map { Int32(truncatingIfNeeded: $0) }, ints)
    }

    func testByteStreamSplitRoundTrip() throws {
        let doubles: [Double] = [1.5, -2.25, .pi, 0, -0.0, .infinity]
        var raw: [UInt8] = []
        doubles.withUnsafeBytes { raw.append(contentsOf: $0) }
        var split: [UInt8] = []
        raw.withUnsafeBytes { ByteStreamSplit.encode($0, width: 8, into: &split) }
        XCTAssertNotEqual(split, raw)
        let back = try split.withUnsafeBytes { try ByteStreamSplit.decode($0, count: doubles.count, width: 8) }
        XCTAssertEqual(back, raw)
    }

    /// The selective PLAIN decode keeps exactly the flagged values of every physical type,
    /// from an unaligned page, and rejects a truncated page as the whole decode does.
    func testPlainDecodeKeepsTheFlaggedValues() throws {
        let n = 37
        let columns: [ColumnValues] = [
            .boolean((0..<n).map { $0 % 3 == 0 }),
            .int32((0..<n).map { Int32($0) * -7 }),
            .int64((0..<n).map { Int64($0) << 40 }),
            .float((0..<n).map { Float($0) / 4 }),
            .double((0..<n).map { Double($0) * 1.5 }),
            .int96(FixedByteBuffer(width: 12, data: (0..<n * 12).map { UInt8($0 % 251) })),
            .fixedLenByteArray(FixedByteBuffer(width: 3, data: (0..<n * 3).map { UInt8($0 % 13) })),
            .byteArray(ByteArrayBuffer(strings: (0..<n).map { String(repeating: "x", count: $0 % 5) + "\($0)" })),
            .byteArray(ByteArrayBuffer(strings: (0..<n).map { $0 % 7 == 1 ? "" : "v\($0)" })),
        ]
        // Runs of kept values, and (for the second byte arrays) only empty values kept.
        let masks = [(0..<n).map { $0 % 7 == 1 || $0 % 7 == 2 || $0 > 30 }, (0..<n).map { $0 % 7 == 1 }]
        for values in columns {
            for keep in masks { try checkPlainDecode(values, keep: keep) }
        }
    }

    /// Byte arrays of every length from 0 to 40, long ones first and last, through PLAIN and
    /// dictionary pages, read whole and selected, equal what was written (values are copied
    /// back to back into one buffer; a copy that ran past its value would show here).
    func testByteArraysOfEveryShortLengthReadBackExactly() throws {
        var strings: [String] = []
        for round in 0..<3 {
            for len in (0...40).reversed() {
                strings.append(String((0..<len).map { Character(UnicodeScalar(UInt8(97 + ($0 + round + len) % 26))) }))
            }
            strings.append(String(repeating: "z", count: 40 + round))
        }
        let schema = try ParquetSchema(fields: [.primitive("s", .byteArray, .required, logicalType: .string)])
        let column = ColumnData(
            values: .byteArray(ByteArrayBuffer(strings: strings)),
            definitionLevels: [UInt8](repeating: 0, count: strings.count))
        let selection = RowSelection([0..<3, 40..<45, strings.count - 2..<strings.count])
        for dictionary in [false, true] {
            var options = ParquetWriterOptions()
            options.enableDictionary = dictionary
            options.compression = .uncompressed
            let reader = try ParquetReader(input: MemoryInput(try writeInMemory(schema, [[column]], options)))
            XCTAssertEqual(
                try reader.readColumn(rowGroup: 0, column: 0).values, column.values, "dictionary \(dictionary)")
            let kept = selection.ranges.flatMap { Array($0) }
            XCTAssertEqual(
                try reader.readColumn(rowGroup: 0, column: 0, rows: selection).values,
                ColumnValues.byteArray(ByteArrayBuffer(strings: kept.map { strings[$0] })), "dictionary \(dictionary)")
        }
    }

    private func checkPlainDecode(_ values: ColumnValues, keep: [Bool]) throws {
        let n = keep.count
        let kept = (0..<n).filter { keep[$0] }
        var page: [UInt8] = [0xAB]  // one leading byte: the values start unaligned
        PlainEncoder.encode(values, range: 0..<n, into: &page)
        let width = values.physicalType == .int96 ? 12 : values.physicalType == .fixedLenByteArray ? 3 : 0
        var out = ColumnValuesBuilder(type: values.physicalType, width: width)
        try page.withUnsafeBytes {
            try PlainDecoder.decode($0, start: 1, end: $0.count, count: n, keep: keep, into: &out)
        }
        XCTAssertEqual(out.columnValues(), values.gathering(kept), "\(values.physicalType)")
        var truncated = ColumnValuesBuilder(type: values.physicalType, width: width)
        XCTAssertThrowsError(
            try page.withUnsafeBytes {
                try PlainDecoder.decode($0, start: 1, end: $0.count - 1, count: n, keep: keep, into: &truncated)
            }, "\(values.physicalType)")
    }

    func testAppendInPlaceWritesAfterTheExistingElements() {
        var a: [Int32] = [1, 2, 3]
        a.appendInPlace(count: 1000) { dst in
            for i in 0..<dst.count { dst[i] = Int32(i) }
        }
        XCTAssertEqual(a.count, 1003)
        XCTAssertEqual(Array(a[0..<4]), [1, 2, 3, 0])
        XCTAssertEqual(a.last, 999)
        var called = false
        a.appendInPlace(count: 0) { dst in
            XCTAssertEqual(dst.count, 0)
            called = true
        }
        XCTAssertTrue(called, "called for no elements too, so work nested inside it happens")
        XCTAssertEqual(a.count, 1003)
    }

    func testBitPackingRoundTrip64() {
        for width in [1, 7, 31, 33, 63, 64] {
            let values: [UInt64] = (0..<32).map {
                UInt64($0) &* 0x9E37_79B9_7F4A_7C15 & (width == 64 ? ~0 : (1 << UInt64(width)) - 1)
            }
            var packed: [UInt8] = []
            values.withUnsafeBufferPointer {
                BitPacking.pack64($0.baseAddress!, count: 32, width: width, into: &packed)
            }
            XCTAssertEqual(packed.count, 32 * width / 8)
            var back = [UInt64](repeating: 0, count: 32)
            packed.withUnsafeBufferPointer { p in
                back.withUnsafeMutableBufferPointer {
                    BitPacking.unpack64(p.baseAddress!, count: 32, width: width, into: $0.baseAddress!)
                }
            }
            XCTAssertEqual(back, values, "width \(width)")
        }
    }
}

final class StatisticsTests: XCTestCase {
    func column(_ type: PhysicalType, _ logical: LogicalType?, length: Int32? = nil) throws -> ColumnDescriptor {
        try ParquetSchema(fields: [.primitive("c", type, .optional, logicalType: logical, typeLength: length)]).columns[
            0]
    }

    func testStringBoundsTruncateToValidUTF8() throws {
        let stats = StatisticsBuilder(column: try column(.byteArray, .string))
        let long = Array("abcdéfgh".utf8)  // é is two bytes at offsets 4-5
        let t = stats.truncated(MinMax(min: long, max: long), limit: 5)
        XCTAssertEqual(t.min, Array("abcd".utf8))
        XCTAssertFalse(t.minExact)
        XCTAssertEqual(t.max, Array("abce".utf8))
        XCTAssertFalse(t.maxExact)
        // A max made only of 0xFF bytes cannot be incremented: it is dropped.
        let binary = StatisticsBuilder(column: try column(.byteArray, nil))
        XCTAssertNil(binary.truncated(MinMax(min: [0], max: [0xFF, 0xFF, 0xFF]), limit: 2).max)
        XCTAssertEqual(binary.truncated(MinMax(min: [0], max: [1, 0xFF, 9]), limit: 2).max, [2])
    }

    func testFloatStatisticsIgnoreNaNAndNormaliseZeros() throws {
        let stats = StatisticsBuilder(column: try column(.double, nil))
        let mm = stats.minMax(.double([.nan, 0.0, 3, .nan]), 0..<4)!
        XCTAssertEqual(Double(bitPattern: mm.min.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }).sign, .minus)
        XCTAssertEqual(mm.max.withUnsafeBytes { $0.loadUnaligned(as: Double.self) }, 3)
        XCTAssertNil(stats.minMax(.double([.nan, .nan]), 0..<2))
    }

    func testDecimalBytesCompareAsSignedIntegers() throws {
        let stats = StatisticsBuilder(
            column: try column(.fixedLenByteArray, .decimal(precision: 20, scale: 0), length: 9))
        var values = FixedByteBuffer(width: 9)
        values.append([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])  // -2
        values.append([0, 0, 0, 0, 0, 0, 0, 0, 5])  // 5
        values.append([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])  // -1
        let mm = stats.minMax(.fixedLenByteArray(values), 0..<3)!
        XCTAssertEqual(mm.min.last, 0xFE)
        XCTAssertEqual(mm.max.last, 5)
    }

    func testUnsignedIntegersUseUnsignedOrder() throws {
        let stats = StatisticsBuilder(column: try column(.int32, .integer(bitWidth: 32, isSigned: false)))
        let mm = stats.minMax(.int32([-1, 5]), 0..<2)!
        XCTAssertEqual(mm.min.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }, 5)
        XCTAssertEqual(mm.max.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }, -1)
    }

}

final class DictionaryBuilderTests: XCTestCase {
    /// Byte strings of every length from 0 to 20 and, for each, copies that differ in exactly
    /// one byte at each position: every one must get its own entry, and repeats the first one.
    func testDictionaryTellsApartStringsThatDifferInOneByte() throws {
        var distinct: [[UInt8]] = []
        for length in 0...20 {
            let base = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ length) }
            distinct.append(base)
            for position in 0..<length {
                var changed = base
                changed[position] ^= 0x40
                distinct.append(changed)
            }
        }
        let values = distinct + distinct.reversed()
        let built = try XCTUnwrap(
            DictionaryBuilder.build(.byteArray(ByteArrayBuffer(values)), maxDictionaryBytes: 1 << 20))
        guard case .byteArray(let dictionary) = built.dictionary else { return XCTFail("not a byte-array dictionary") }
        XCTAssertEqual(dictionary.count, distinct.count)
        for (i, v) in values.enumerated() {
            let e = Int(built.indices[i])
            let s = Int(dictionary.offsets[e])
            let end = Int(dictionary.offsets[e + 1])
            XCTAssertEqual(Array(dictionary.data[s..<end]), v, "value \(i)")
        }
    }

    /// A unique column is given up after the sample; a column of 120k doubles drawn from
    /// 40k (past the sample, so the table is sized from it) keeps every distinct value in
    /// first-seen order.
    func testDictionaryGivesUpOnUniqueColumnsAndSizesFromTheSample() throws {
        XCTAssertNil(DictionaryBuilder.build(.int64((0..<20_000).map { Int64($0) }), maxDictionaryBytes: 1 << 20))
        XCTAssertNotNil(
            DictionaryBuilder.build(.int64((0..<16_000).map { Int64($0) }), maxDictionaryBytes: 1 << 20),
            "a column no longer than the sample is never given up")
        let productByProduct = (0..<20_000).map { Int64($0 % 5_000) }
        XCTAssertEqual(
            DictionaryBuilder.build(.int64(productByProduct), maxDictionaryBytes: 1 << 20)?.plainSize, 5_000 * 8,
            "values distinct for the first 5,000 rows and repeating later keep the dictionary")
        var rng = SystemRandomNumberGenerator()
        let values = (0..<120_000).map { _ in Double(Int.random(in: 0..<40_000, using: &rng)) * 0.25 }
        var firstSeen: [Double] = []
        var seen = Set<Double>()
        for v in values where seen.insert(v).inserted { firstSeen.append(v) }
        let built = try XCTUnwrap(DictionaryBuilder.build(.double(values), maxDictionaryBytes: 1 << 20))
        guard case .double(let dictionary) = built.dictionary else { return XCTFail("not a double dictionary") }
        XCTAssertGreaterThan(firstSeen.count, 30_000)
        XCTAssertEqual(dictionary, firstSeen)
        XCTAssertEqual(built.indices.map { dictionary[Int($0)] }, values)
        XCTAssertNil(
            DictionaryBuilder.build(.double(values), maxDictionaryBytes: 100_000), "40k entries do not fit in 100 kB")
    }
}
