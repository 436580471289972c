import CZlib

/// A `deletion-vector-v1` blob: the deleted row positions of one data file.
///
/// Serialized as a 4-byte big-endian length (of the magic and the vector), the magic
/// `D1 D3 39 64`, the vector in the portable 64-bit Roaring format (an 8-byte little-endian
/// count of 32-bit bitmaps, each a 4-byte little-endian key — the positions' high 32 bits —
/// and a portable 32-bit Roaring bitmap of their low 32 bits), then a big-endian CRC-32 of the
/// magic and the vector.
public enum DeletionVector {
    /// The magic that opens the vector.
    public static let magic: [UInt8] = [0xD1, 0xD3, 0x39, 0x64]
    /// The blob type of deletion vectors.
    public static let blobType = "deletion-vector-v1"

    /// The deleted positions of a serialized blob, ascending. `expectedCardinality` (the
    /// manifest's record count) is checked when given. At most `maxPositions` positions, and
    /// no more than expected, are decoded: a few bytes of Roaring runs can claim billions.
    public static func positions(blob: [UInt8], expectedCardinality: Int64? = nil, maxPositions: Int = 1 << 27)
        throws(PuffinError) -> [Int64]
    {
        guard blob.count >= 12 else { throw .malformedBlob("a deletion vector of \(blob.count) bytes") }
        let length = Int(bigEndian(blob, at: 0))
        guard length + 8 == blob.count else {
            throw .malformedBlob("deletion vector length \(length) does not match the blob's \(blob.count) bytes")
        }
        guard Array(blob[4..<8]) == magic else { throw .malformedBlob("deletion vector without its magic") }
        let stored = bigEndian(blob, at: blob.count - 4)
        let computed = blob.withUnsafeBufferPointer { b in
            UInt32(crc32(0, b.baseAddress! + 4, uInt(length)))
        }
        guard stored == computed else {
            throw .malformedBlob("deletion vector checksum \(stored) does not match its bytes (\(computed))")
        }
        var out: [Int64] = []
        if let expectedCardinality, expectedCardinality > 0, expectedCardinality < 1 << 32 {
            out.reserveCapacity(Int(expectedCardinality))
        }
        var failure: PuffinError?
        blob.withUnsafeBytes { raw in
            do throws(PuffinError) {
                let limit = min(expectedCardinality.map { Int(clamping: max($0, 0)) } ?? .max, maxPositions)
                var reader = RoaringReader(
                    bytes: UnsafeRawBufferPointer(rebasing: raw[8..<(raw.count - 4)]), maxValues: limit)
                let bitmaps = try reader.uint64()
                var previousKey: Int64 = -1
                for _ in 0..<bitmaps {
                    let key = Int64(try reader.uint32())
                    guard key > previousKey else { throw .malformedBlob("deletion vector keys out of order") }
                    guard key < 1 << 31 else { throw .malformedBlob("deletion vector position above 2^63") }
                    previousKey = key
                    try reader.appendBitmap(high: key << 32, to: &out)
                }
                guard reader.position == reader.bytes.count else {
                    throw .malformedBlob(
                        "\(reader.bytes.count - reader.position) bytes after the deletion vector's bitmaps")
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        if let expectedCardinality, Int64(out.count) != expectedCardinality {
            throw .malformedBlob(
                "deletion vector holds \(out.count) positions, its manifest entry says \(expectedCardinality)")
        }
        return out
    }

    /// Serializes positions (ascending, distinct, each in 0..<2^63) as a `deletion-vector-v1` blob.
    public static func serialize(positions: [Int64]) throws(PuffinError) -> [UInt8] {
        var vector: [UInt8] = magic
        var groups: [(key: UInt32, low: [UInt32])] = []
        var previous: Int64 = -1
        for p in positions {
            guard p > previous else {
                throw .malformedBlob("deletion vector positions must ascend (\(p) after \(previous))")
            }
            previous = p
            let key = UInt32(p >> 32)
            if groups.last?.key != key { groups.append((key, [])) }
            groups[groups.count - 1].low.append(UInt32(truncatingIfNeeded: p))
        }
        let count = UInt64(groups.count)
        for b in 0..<8 { vector.append(UInt8(truncatingIfNeeded: count >> (8 * UInt64(b)))) }
        for g in groups {
            RoaringWriter.appendUInt32(g.key, to: &vector)
            RoaringWriter.appendBitmap(g.low[...], to: &vector)
        }
        let checksum = vector.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress!, uInt($0.count))) }
        var blob: [UInt8] = []
        blob.reserveCapacity(vector.count + 8)
        appendBigEndian(UInt32(vector.count), to: &blob)
        blob += vector
        appendBigEndian(checksum, to: &blob)
        return blob
    }

    /// The length and checksum fields are big-endian (the Roaring bitmap is little-endian).
    private static func bigEndian(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }

    private static func appendBigEndian(_ v: UInt32, to out: inout [UInt8]) {
        for shift in [24, 16, 8, 0] as [UInt32] { out.append(UInt8(truncatingIfNeeded: v >> shift)) }
    }
}
