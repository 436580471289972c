import CZlib
import CompressionCodecs
import XCTest

@testable import Puffin

/// Deletion vectors decode as the Roaring format lays them out: arrays, bitsets and runs,
/// several 2^32 keys; corrupt blobs are errors naming what is wrong. Java's own vectors are
/// read in the interop tests (JavaInteropTests).
final class DeletionVectorTests: XCTestCase {
    func testEveryContainerKindRoundTrips() throws {
        let sets: [[Int64]] = [
            [],
            [0],
            [1, 5, 9, 70_000],  // array containers in two 2^16 chunks
            Array(stride(from: 0, to: 200_000, by: 3)),  // bitsets (21,846 values per chunk)
            Array(1000..<90_000),  // runs
            [7, 1 << 32, (1 << 32) + 1, (5 << 32) + 65_535, Int64.max],  // several keys, the largest position
        ]
        for positions in sets {
            let blob = try DeletionVector.serialize(positions: positions)
            XCTAssertEqual(Array(blob[4..<8]), DeletionVector.magic)
            XCTAssertEqual(
                try DeletionVector.positions(blob: blob, expectedCardinality: Int64(positions.count)), positions)
        }
    }

    func testCorruptBlobsAreErrors() throws {
        let blob = try DeletionVector.serialize(positions: [3, 4, 5, 100])
        var badChecksum = blob
        badChecksum[blob.count - 1] ^= 1
        var badMagic = blob
        badMagic[4] = 0
        var badBitmap = blob
        badBitmap[16] ^= 0xFF
        for (name, bytes) in [
            ("checksum", badChecksum), ("magic", badMagic), ("truncated", Array(blob.dropLast(3))),
            ("bitmap", badBitmap),
        ] {
            XCTAssertThrowsError(try DeletionVector.positions(blob: bytes), name) { error in
                XCTAssertTrue(error is PuffinError, name)
            }
        }
        XCTAssertThrowsError(try DeletionVector.positions(blob: blob, expectedCardinality: 5))
        XCTAssertThrowsError(try DeletionVector.serialize(positions: [5, 3]))
    }

    func testFooterParsesPlainAndCompressedPayloads() throws {
        let json = """
            {"blobs":[{"type":"deletion-vector-v1","fields":[2147483645],"snapshot-id":-1,"sequence-number":-1,
            "offset":4,"length":10,"properties":{"referenced-data-file":"s3://b/data/a.parquet","cardinality":"3"}}],
            "properties":{"created-by":"test"}}
            """
        for compressed in [false, true] {
            var payload = Array(json.utf8)
            if compressed { payload = try CompressionCodec.lz4Frame.compress(payload) }
            var footer = PuffinFooter.magic + payload
            let size = UInt32(payload.count)
            footer += (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * UInt32($0))) }
            footer += [compressed ? 1 : 0, 0, 0, 0] + PuffinFooter.magic
            let fileLength = 4 + 10 + footer.count
            XCTAssertEqual(try PuffinFooter.footerLength(trailer: Array(footer.suffix(12))), footer.count)
            let parsed = try PuffinFooter(footer: footer, fileLength: fileLength)
            XCTAssertEqual(parsed.blobs.map(\.type), ["deletion-vector-v1"])
            XCTAssertEqual(parsed.blobs.first?.properties["referenced-data-file"], "s3://b/data/a.parquet")
            XCTAssertEqual(parsed.properties["created-by"], "test")
            XCTAssertThrowsError(try PuffinFooter(footer: footer, fileLength: fileLength - 5))
        }
        XCTAssertThrowsError(try PuffinFooter.footerLength(trailer: [UInt8](repeating: 0, count: 12)))
    }

    /// A file our writer builds parses back: blob ranges, types, fields and properties, and
    /// each blob's positions.
    func testWrittenFilesParseBack() throws {
        var writer = PuffinWriter()
        let vectors: [[Int64]] = [[0, 5, 70_000], [1 << 33, (1 << 33) + 1], []]
        for (i, positions) in vectors.enumerated() {
            writer.add(
                try DeletionVector.serialize(positions: positions), type: DeletionVector.blobType,
                fields: [2_147_483_645],
                properties: ["referenced-data-file": "f\(i).parquet", "cardinality": String(positions.count)])
        }
        let file = writer.finish(properties: ["created-by": "test"])
        let length = try PuffinFooter.footerLength(trailer: Array(file.suffix(PuffinFooter.trailerLength)))
        let footer = try PuffinFooter(footer: Array(file.suffix(length)), fileLength: file.count)
        XCTAssertEqual(footer.properties, ["created-by": "test"])
        XCTAssertEqual(footer.blobs, writer.blobs)
        for (i, blob) in footer.blobs.enumerated() {
            XCTAssertEqual(blob.type, DeletionVector.blobType)
            XCTAssertEqual(blob.fields, [2_147_483_645])
            XCTAssertEqual(blob.properties["referenced-data-file"], "f\(i).parquet")
            let bytes = Array(file[Int(blob.offset)..<Int(blob.offset + blob.length)])
            XCTAssertEqual(
                try DeletionVector.positions(blob: bytes, expectedCardinality: Int64(vectors[i].count)), vectors[i])
        }
    }

    /// A footer whose blob offset and length add up beyond Int64: refused, not a trap.
    func testABlobRangeThatOverflowsIsRefused() throws {
        for (offset, length) in [(Int64.max - 2, Int64(10)), (Int64(4), Int64.max), (Int64.max, Int64.max)] {
            let payload = Array(
                #"{"blobs":[{"type":"deletion-vector-v1","fields":[],"snapshot-id":-1,"sequence-number":-1,"offset":\#(offset),"length":\#(length)}]}"#
                    .utf8)
            var footer = PuffinFooter.magic + payload
            footer += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(payload.count) >> (8 * UInt32($0))) }
            footer += [0, 0, 0, 0] + PuffinFooter.magic
            XCTAssertThrowsError(try PuffinFooter(footer: footer, fileLength: 4 + 10 + footer.count)) {
                XCTAssertTrue("\($0)".contains("lies outside the blob area"), "\($0)")
            }
        }
    }

    /// Run containers turn 6 bytes into 65,536 positions: a vector of 65,536 full runs (under a
    /// megabyte, 2^32 positions) is refused before it is decoded past what the manifest expects
    /// or the caller allows, instead of filling 32 GiB.
    func testRunContainersCannotClaimMorePositionsThanExpected() throws {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let containers = 1 << 16
        var vector = DeletionVector.magic + le(UInt64(1)) + le(UInt32(0))
        vector += le(UInt32(12347) | UInt32(containers - 1) << 16)
        vector += [UInt8](repeating: 0xFF, count: containers / 8)  // every container holds runs
        for key in 0..<containers { vector += le(UInt16(key)) + le(UInt16(0xFFFF)) }
        vector += [UInt8](repeating: 0, count: 4 * containers)  // offsets (not needed to read in order)
        for _ in 0..<containers { vector += le(UInt16(1)) + le(UInt16(0)) + le(UInt16(0xFFFF)) }
        let crc = vector.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        let blob =
            withUnsafeBytes(of: UInt32(vector.count).bigEndian) { Array($0) } + vector
            + withUnsafeBytes(of: crc.bigEndian) { Array($0) }
        XCTAssertThrowsError(try DeletionVector.positions(blob: blob, expectedCardinality: 10)) {
            XCTAssertTrue("\($0)".contains("more than the 10 values expected"), "\($0)")
        }
        XCTAssertThrowsError(
            try DeletionVector.positions(blob: blob, expectedCardinality: 1 << 40, maxPositions: 100_000)
        ) {
            XCTAssertTrue("\($0)".contains("more than the 100000 values expected"), "\($0)")
        }
        XCTAssertThrowsError(try DeletionVector.positions(blob: blob, maxPositions: 100_000)) {
            XCTAssertTrue("\($0)".contains("more than the 100000 values expected"), "\($0)")
        }
    }
}
