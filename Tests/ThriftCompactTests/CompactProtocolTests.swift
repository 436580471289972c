import XCTest

@testable import ThriftCompact

final class CompactProtocolTests: XCTestCase {
    func testRoundTripsEveryType() throws {
        var w = CompactWriter()
        w.write(field: 1, true)
        w.write(field: 2, false)
        w.write(field: 3, Int8(-7))
        w.write(field: 4, Int16.min)
        w.write(field: 5, Int32.max)
        w.write(field: 6, Int64.min)
        w.write(field: 7, -1.5e300)
        w.write(field: 8, "héllo")
        w.beginListField(9, elementType: .i32, count: 3)
        for v: Int32 in [1, -2, 3] { w.writeI32(v) }
        w.beginListField(10, elementType: .i64, count: 20)  // long-form list header
        for v in 0..<20 { w.writeI64(Int64(v) * -1_000_000_007) }
        w.writeFieldHeader(11, .map)
        w.writeMapHeader(keyType: .binary, valueType: .i32, count: 2)
        w.writeString("a")
        w.writeI32(1)
        w.writeString("b")
        w.writeI32(2)
        w.beginStructField(12)
        w.write(field: 1, Int32(42))
        w.endStruct()
        w.write(field: 300, Int32(9))  // delta > 15: long-form field header
        w.write(field: 40, Int32(10))  // id going backwards: long-form too
        w.beginListField(13, elementType: .boolTrue, count: 2)
        w.writeBool(true)
        w.writeBool(false)
        w.endStruct()

        var r = CompactReader(bytes: w.bytes)
        var seen: [Int16] = []
        try r.beginStruct()
        while let (id, type) = try r.readFieldHeader() {
            seen.append(id)
            switch id {
            case 1: XCTAssertEqual(try r.readBool(), true)
            case 2: XCTAssertEqual(try r.readBool(), false)
            case 3: XCTAssertEqual(try r.readByte(), -7)
            case 4: XCTAssertEqual(try r.readI16(), Int16.min)
            case 5: XCTAssertEqual(try r.readI32(), Int32.max)
            case 6: XCTAssertEqual(try r.readI64(), Int64.min)
            case 7: XCTAssertEqual(try r.readDouble(), -1.5e300)
            case 8: XCTAssertEqual(try r.readString(), "héllo")
            case 9:
                let (t, n) = try r.readListHeader()
                XCTAssertEqual(t, .i32)
                XCTAssertEqual(try (0..<n).map { _ in try r.readI32() }, [1, -2, 3])
            case 10:
                let (_, n) = try r.readListHeader()
                XCTAssertEqual(n, 20)
                XCTAssertEqual(try (0..<n).map { _ in try r.readI64() }, (0..<20).map { Int64($0) * -1_000_000_007 })
            case 11:
                let (k, v, n) = try r.readMapHeader()
                XCTAssertEqual(k, .binary)
                XCTAssertEqual(v, .i32)
                XCTAssertEqual(n, 2)
                XCTAssertEqual(try r.readString(), "a")
                XCTAssertEqual(try r.readI32(), 1)
                XCTAssertEqual(try r.readString(), "b")
                XCTAssertEqual(try r.readI32(), 2)
            case 12:
                try r.beginStruct()
                let h = try r.readFieldHeader()
                XCTAssertEqual(h?.id, 1)
                XCTAssertEqual(try r.readI32(), 42)
                XCTAssertNil(try r.readFieldHeader())
                r.endStruct()
            case 300: XCTAssertEqual(try r.readI32(), 9)
            case 40: XCTAssertEqual(try r.readI32(), 10)
            case 13:
                let (_, n) = try r.readListHeader()
                XCTAssertEqual(try (0..<n).map { _ in try r.readBool() }, [true, false])
            default: XCTFail("unexpected field \(id) \(type)")
            }
        }
        r.endStruct()
        XCTAssertEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 300, 40, 13])
        XCTAssertEqual(r.remaining, 0)
    }

    func testSkipsUnknownFieldsOfEveryKind() throws {
        var w = CompactWriter()
        w.write(field: 1, Int32(5))
        w.write(field: 2, "skip me")
        w.beginStructField(3)
        w.beginListField(1, elementType: .struct, count: 2)
        for _ in 0..<2 {
            w.beginStruct()
            w.write(field: 1, 2.5)
            w.endStruct()
        }
        w.endStruct()
        w.writeFieldHeader(4, .map)
        w.writeMapHeader(keyType: .i32, valueType: .boolTrue, count: 1)
        w.writeI32(1)
        w.writeBool(true)
        w.write(field: 5, true)
        w.write(field: 6, Int64(77))
        w.endStruct()
        var r = CompactReader(bytes: w.bytes)
        var result: (Int32?, Int64?) = (nil, nil)
        try r.beginStruct()
        while let (id, type) = try r.readFieldHeader() {
            switch id {
            case 1: result.0 = try r.readI32()
            case 6: result.1 = try r.readI64()
            default: try r.skip(type)
            }
        }
        XCTAssertEqual(result.0, 5)
        XCTAssertEqual(result.1, 77)
    }

    func testMalformedInputThrowsDescriptiveErrors() {
        func read(_ bytes: [UInt8], limits: ThriftLimits = .default) -> ThriftError? {
            var r = CompactReader(bytes: bytes, limits: limits)
            do {
                try r.skip(.struct)
                return nil
            } catch { return error }
        }
        // Truncated varint in an i32 field.
        XCTAssertEqual(read([0x15, 0x80]), .truncated(offset: 2))
        // A varint of 11 bytes.
        XCTAssertEqual(read([0x16] + Array(repeating: 0xFF, count: 11)), .varintTooLong(offset: 1))
        // Invalid type nibble 14.
        XCTAssertEqual(read([0x1E]), .invalidType(14, offset: 0))
        // Absurd binary length.
        if case .lengthLimitExceeded? = read([0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) {
        } else {
            XCTFail("expected length limit")
        }
        // Binary length beyond the input.
        XCTAssertEqual(read([0x18, 0x05, 0x61]), .truncated(offset: 2))
        // A list claiming more elements than bytes remain.
        XCTAssertEqual(read([0x19, 0xF5, 0xFF, 0xFF, 0x03]), .truncated(offset: 1))
        // Container over the limit.
        if case .containerLimitExceeded? = read(
            [0x19, 0xF5, 0xFF, 0xFF, 0x03], limits: ThriftLimits(maxContainerSize: 100))
        {
        } else {
            XCTFail("expected container limit")
        }
        // Deep nesting.
        let deep = Array(repeating: UInt8(0x1C), count: 200) + Array(repeating: 0, count: 200)
        if case .depthLimitExceeded? = read(deep) {} else { XCTFail("expected depth limit") }
        XCTAssertTrue(ThriftError.truncated(offset: 9).description.contains("byte 9"))
    }

    /// Random input never traps or hangs: every attempt ends in a value or an error.
    func testRandomBytesNeverCrash() {
        var state: UInt64 = 12345
        func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        var errors = 0
        for _ in 0..<20_000 {
            let bytes = (0..<Int(next() % 64)).map { _ in next() }
            var r = CompactReader(bytes: bytes)
            do { try r.skip(.struct) } catch { errors += 1 }
        }
        XCTAssertGreaterThan(errors, 10_000)
    }
}
