import XCTest

@testable import CompressionCodecs

final class CompressionCodecTests: XCTestCase {
    let codecs: [CompressionCodec] = [
        .uncompressed, .snappy, .zstd(level: 1), .zstd(level: 9), .gzip(level: 6), .deflate(level: 1), .lz4Raw,
        .lz4Hadoop, .lz4Frame, .brotli(quality: 1), .brotli(quality: 8),
    ]

    func samples() -> [[UInt8]] {
        var state: UInt64 = 99
        let random = (0..<100_000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1
            return UInt8(truncatingIfNeeded: state >> 40)
        }
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog ", count: 2000).utf8)
        return [[], [42], random, text, Array(repeating: 0, count: 1 << 20)]
    }

    func testRoundTripEveryCodec() throws {
        for codec in codecs {
            for sample in samples() {
                let compressed = try codec.compress(sample)
                let back = try codec.decompress(compressed, uncompressedSize: sample.count)
                XCTAssertEqual(back, sample, "\(codec.name) \(sample.count) bytes")
                if sample.count > 0, case .zstd = codec {
                    XCTAssertEqual(try codec.decompress(compressed, uncompressedSize: nil), sample)
                }
                // The buffer-to-buffer form agrees.
                var out = [UInt8](repeating: 0, count: codec.maxCompressedLength(sample.count))
                let n = try sample.withUnsafeBytes { i in
                    try out.withUnsafeMutableBytes { o in try codec.compress(i, into: o) }
                }
                var restored = [UInt8](repeating: 0, count: sample.count)
                try out.withUnsafeBytes { i in
                    try restored.withUnsafeMutableBytes { o in
                        try codec.decompress(UnsafeRawBufferPointer(rebasing: i[0..<n]), into: o)
                    }
                }
                XCTAssertEqual(restored, sample, "\(codec.name) into-buffer")
            }
        }
    }

    func testGzipWritesAGzipMember() throws {
        let out = try CompressionCodec.gzip(level: 6).compress(Array("hello".utf8))
        XCTAssertEqual(Array(out.prefix(2)), [0x1F, 0x8B])
    }

    func testCorruptInputIsAnErrorNotACrash() throws {
        let text = samples()[3]
        for codec in codecs where codec != .uncompressed {
            let compressed = try codec.compress(text)
            // Truncated.
            XCTAssertThrowsError(
                try codec.decompress(Array(compressed.prefix(compressed.count / 2)), uncompressedSize: text.count),
                codec.name)
            // Wrong declared size.
            XCTAssertThrowsError(try codec.decompress(compressed, uncompressedSize: text.count + 1), codec.name)
            // Garbage.
            var garbage = compressed
            for i in stride(from: 0, to: garbage.count, by: 3) { garbage[i] ^= 0x5A }
            do {
                let out = try codec.decompress(garbage, uncompressedSize: text.count)
                XCTAssertEqual(out.count, text.count)  // a lucky decode must still honour the size
            } catch let e as CompressionError {
                XCTAssertFalse(e.description.isEmpty)
            }
        }
    }

    /// Parquet's deprecated LZ4 is read in all three forms writers have used for it: Hadoop's
    /// framing, the LZ4 frame format and a bare block.
    func testLZ4ReadsEveryFramingOlderWritersUsed() throws {
        for sample in samples() where !sample.isEmpty {
            for writer in [CompressionCodec.lz4Hadoop, .lz4Frame, .lz4Raw] {
                let compressed = try writer.compress(sample)
                XCTAssertEqual(
                    try CompressionCodec.lz4Hadoop.decompress(compressed, uncompressedSize: sample.count), sample,
                    "\(writer.name) \(sample.count) bytes")
            }
        }
        XCTAssertThrowsError(try CompressionCodec.lz4Raw.decompress([0x10, 0x41], uncompressedSize: nil))
    }

    func testSizeLimitsAreEnforced() throws {
        let zeros = try CompressionCodec.zstd(level: 3).compress(Array(repeating: 0, count: 1 << 20))
        XCTAssertThrowsError(
            try CompressionCodec.zstd(level: 3).decompress(zeros, uncompressedSize: nil, maxSize: 1000)
        ) { error in
            XCTAssertEqual(error as? CompressionError, .sizeLimitExceeded(codec: "zstd", limit: 1000))
        }
        let gz = try CompressionCodec.gzip(level: 6).compress(Array(repeating: 0, count: 1 << 20))
        XCTAssertThrowsError(try CompressionCodec.gzip(level: 6).decompress(gz, uncompressedSize: nil, maxSize: 4096))
    }
}
