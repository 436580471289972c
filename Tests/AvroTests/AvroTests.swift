import JSONSupport
import XCTest

@testable import Avro

final class AvroTests: XCTestCase {
    static let schemaJSON = """
        {"type":"record","name":"entry","fields":[
          {"name":"status","type":"int","field-id":0},
          {"name":"id","type":["null","long"],"default":null,"field-id":1},
          {"name":"name","type":"string"},
          {"name":"ratio","type":"double"},
          {"name":"f","type":"float"},
          {"name":"ok","type":"boolean"},
          {"name":"raw","type":"bytes"},
          {"name":"hash","type":{"type":"fixed","name":"md5","size":4}},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["DATA","DELETES"]}},
          {"name":"tags","type":{"type":"array","items":"string","element-id":7}},
          {"name":"props","type":{"type":"map","values":"long"}},
          {"name":"counts","type":["null",{"type":"array","logicalType":"map","items":{"type":"record","name":"k1_v2",
            "fields":[{"name":"key","type":"int","field-id":1},{"name":"value","type":"long","field-id":2}]}}],"default":null},
          {"name":"inner","type":{"type":"record","name":"inner","fields":[{"name":"day","type":{"type":"int","logicalType":"date"}}]}},
          {"name":"again","type":"md5"}
        ]}
        """

    func sampleRecords() -> [AvroValue] {
        (0..<300).map { (i: Int) -> AvroValue in
            let id: AvroValue =
                i % 4 == 0 ? .union(branch: 0, .null) : .union(branch: 1, .long(Int64(i) * 1_000_000_007))
            let counts: AvroValue =
                i % 3 == 0
                ? .union(branch: 0, .null) : .union(branch: 1, .array([.record([.int(1), .long(Int64(i))])]))
            let tags: [AvroValue] = (0..<(i % 3)).map { .string("t\($0)") }
            let props: [AvroMapEntry] = (0..<(i % 2)).map { AvroMapEntry(key: "k\($0)", value: .long(Int64($0))) }
            var fields: [AvroValue] = [
                .int(Int32(i % 3)), id, .string("file-\(i)-é"), .double(Double(i) / 7), .float(Float(i) / 4),
            ]
            fields.append(.boolean(i % 2 == 0))
            fields.append(.bytes((0..<(i % 5)).map { UInt8($0) }))
            fields.append(.fixed([UInt8(i & 0xFF), 1, 2, 3]))
            fields.append(.enumeration(i % 2))
            fields.append(.array(tags))
            fields.append(.map(props))
            fields.append(counts)
            fields.append(.record([.int(Int32(i))]))
            fields.append(.fixed([9, 9, 9, UInt8(i & 0xFF)]))
            return .record(fields)
        }
    }

    func testSchemaJSONRoundTripKeepsAttributes() throws {
        let schema = try AvroSchema(jsonText: Self.schemaJSON)
        guard case .record(let r) = schema else { return XCTFail() }
        XCTAssertEqual(r.fields[0].fieldId, 0)
        XCTAssertEqual(r.fields[1].fieldId, 1)
        if case .array(_, let a) = r.fields[9].type { XCTAssertEqual(a["element-id"], .int(7)) } else { XCTFail() }
        XCTAssertEqual(r.fields[13].type, r.fields[7].type)  // named reference resolved
        let again = try AvroSchema(json: schema.json)
        XCTAssertEqual(again, schema)
    }

    func testContainerRoundTripEveryCodec() throws {
        let schema = try AvroSchema(jsonText: Self.schemaJSON)
        let records = sampleRecords()
        for codec in [AvroCodec.null, .deflate, .snappy, .zstandard] {
            var w = try AvroFileWriter(schema: schema, codec: codec, metadata: [("iceberg", "yes")])
            w.recordsPerBlock = 64
            for r in records { try w.append(r) }
            let bytes = try w.finish()
            let reader = try AvroFileReader(bytes: bytes)
            XCTAssertEqual(reader.metadataString("iceberg"), "yes")
            XCTAssertEqual(try reader.records(), records, codec.rawValue)
        }
    }

    func testMalformedInputThrows() throws {
        let schema = try AvroSchema(jsonText: Self.schemaJSON)
        var w = try AvroFileWriter(schema: schema, codec: .snappy)
        for r in sampleRecords().prefix(50) { try w.append(r) }
        let good = try w.finish()
        XCTAssertThrowsError(try AvroFileReader(bytes: Array(good.prefix(3))))
        XCTAssertThrowsError(try AvroFileReader(bytes: [0x4F, 0x62, 0x6A, 0x01, 0xFF, 0xFF, 0xFF]))
        var state: UInt64 = 1
        var failures = 0
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var bad = good
            let i = Int(state >> 33) % bad.count
            bad[i] ^= UInt8(truncatingIfNeeded: (state >> 20) | 1)
            do { _ = try AvroFileReader(bytes: bad).records() } catch { failures += 1 }
            do { _ = try AvroFileReader(bytes: Array(good.prefix(Int(state >> 40) % good.count))).records() } catch {
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, 1500)
        // Absurd lengths and counts inside values.
        var r = AvroReader([0xFE, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertThrowsError(try AvroBinary.decode(.of(.string), from: &r))
        var r2 = AvroReader([0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        XCTAssertThrowsError(try AvroBinary.decode(.array(items: .of(.null), attributes: AvroAttributes()), from: &r2))
    }

    /// A block count of Int64.min (negative counts are followed by a byte size) has no positive
    /// counterpart: refused, not a trap.
    func testABlockCountOfInt64MinIsRefused() throws {
        var bytes: [UInt8] = []
        AvroBinary.writeLong(.min, &bytes)
        AvroBinary.writeLong(0, &bytes)
        var r = AvroReader(bytes)
        XCTAssertThrowsError(try AvroBinary.decode(.array(items: .of(.long), attributes: AvroAttributes()), from: &r)) {
            XCTAssertTrue("\($0)".contains("more than"), "\($0)")
        }
    }

    /// Records of a schema that encodes to no bytes: a block may not claim 2^40 of them.
    func testABlockClaimingBillionsOfEmptyRecordsIsRefused() throws {
        let schema = try AvroSchema(jsonText: #"{"type":"record","name":"empty","fields":[]}"#)
        var writer = try AvroFileWriter(schema: schema, codec: .null)
        let header = try writer.finish()
        let sync = Array(header.suffix(16))
        func file(records: Int64) -> [UInt8] {
            var out = header
            AvroBinary.writeLong(records, &out)
            AvroBinary.writeLong(0, &out)
            return out + sync
        }
        XCTAssertEqual(try AvroFileReader(bytes: file(records: 1000)).records().count, 1000)
        XCTAssertThrowsError(try AvroFileReader(bytes: file(records: 1 << 40)).records()) {
            XCTAssertTrue("\($0)".contains("claims 1099511627776 records in 0 bytes"), "\($0)")
        }
    }

    /// Found by fuzzing (avro target): a block count near Int64.max after a first block made
    /// the running item total overflow. Refused, not a trap.
    func testASecondBlockCountNearInt64MaxIsRefused() throws {
        var bytes: [UInt8] = []
        AvroBinary.writeLong(2, &bytes)
        AvroBinary.writeLong(7, &bytes)
        AvroBinary.writeLong(8, &bytes)
        AvroBinary.writeLong(.max, &bytes)
        var r = AvroReader(bytes)
        XCTAssertThrowsError(try AvroBinary.decode(.array(items: .of(.long), attributes: AvroAttributes()), from: &r)) {
            XCTAssertTrue("\($0)".contains("more than"), "\($0)")
        }
    }

    /// Arrays of arrays of nulls: each inner array may claim a million nulls in no bytes, but
    /// not every one of them: the reader's budget of zero-byte items is shared.
    func testNestedArraysOfNullsShareOneBudget() throws {
        var bytes: [UInt8] = []
        AvroBinary.writeLong(100, &bytes)
        for _ in 0..<100 {
            AvroBinary.writeLong(900_000, &bytes)
            AvroBinary.writeLong(0, &bytes)
        }
        AvroBinary.writeLong(0, &bytes)
        let nested = AvroSchema.array(
            items: .array(items: .of(.null), attributes: AvroAttributes()), attributes: AvroAttributes())
        var r = AvroReader(bytes)
        XCTAssertThrowsError(try AvroBinary.decode(nested, from: &r)) {
            XCTAssertTrue("\($0)".contains("implausible"), "\($0)")
        }
        var small: [UInt8] = []
        AvroBinary.writeLong(3, &small)
        for _ in 0..<3 {
            AvroBinary.writeLong(1000, &small)
            AvroBinary.writeLong(0, &small)
        }
        AvroBinary.writeLong(0, &small)
        var r2 = AvroReader(small)
        guard case .array(let outer) = try AvroBinary.decode(nested, from: &r2) else { return XCTFail("not an array") }
        XCTAssertEqual(outer.count, 3)
    }
}
