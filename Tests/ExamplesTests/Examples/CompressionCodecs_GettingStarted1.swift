// swift-format-ignore-file
// Block 1 of Sources/CompressionCodecs/CompressionCodecs.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import CompressionCodecs

func example_CompressionCodecs_GettingStarted1() async throws {
// BEGIN BLOCK
let text = Array("iceberg iceberg iceberg iceberg".utf8)
let packed = try CompressionCodec.zstd(level: 3).compress(text)
let unpacked = try CompressionCodec.zstd(level: 3).decompress(packed, uncompressedSize: text.count)
print(unpacked == text)
// END BLOCK
}
