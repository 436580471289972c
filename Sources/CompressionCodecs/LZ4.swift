import CLZ4

/// LZ4 in its three framings: the raw block (Parquet `LZ4_RAW`), Hadoop's block framing
/// (Parquet's deprecated `LZ4`) and the LZ4 frame format (Puffin).
enum LZ4 {
    static func compressBlock(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(CompressionError) -> Int
    {
        guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else {
            throw .compressionFailed(codec: "lz4", detail: "input of \(input.count) bytes exceeds LZ4's limit")
        }
        if input.isEmpty {
            output[0] = 0  // a block holding one empty literal run
            return 1
        }
        let produced = LZ4_compress_default(
            input.baseAddress!.assumingMemoryBound(to: CChar.self),
            output.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(input.count), Int32(output.count))
        guard produced > 0 else { throw .compressionFailed(codec: "lz4", detail: "LZ4_compress_default failed") }
        return Int(produced)
    }

    /// Decodes one raw block that must expand to exactly `output.count` bytes.
    static func decompressBlock(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, codec: String
    )
        throws(CompressionError)
    {
        guard let src = input.baseAddress, input.count > 0 else {
            if output.isEmpty { return }
            throw .corruptInput(codec: codec, detail: "empty input")
        }
        // LZ4 wants a non-null destination even for an empty output.
        var scratch: UInt8 = 0
        let dst = output.baseAddress ?? withUnsafeMutablePointer(to: &scratch) { UnsafeMutableRawPointer($0) }
        let result = LZ4_decompress_safe(
            src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self), Int32(input.count),
            Int32(output.count))
        guard result >= 0 else { throw .corruptInput(codec: codec, detail: "malformed LZ4 block") }
        guard Int(result) == output.count else {
            throw .sizeMismatch(codec: codec, expected: output.count, actual: Int(result))
        }
    }

    /// Hadoop's framing: blocks of `[uncompressed size][compressed size]` (4-byte big-endian
    /// each) followed by a raw LZ4 block; all of `input` must be consumed.
    static func decompressHadoop(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        var inPos = 0
        var outPos = 0
        func bigEndian(_ at: Int) -> Int {
            Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3])
        }
        while inPos < input.count {
            guard input.count - inPos >= 8 else { return false }
            let expanded = bigEndian(inPos)
            let compressed = bigEndian(inPos + 4)
            inPos += 8
            guard compressed <= input.count - inPos, expanded <= output.count - outPos else { return false }
            do {
                try decompressBlock(
                    UnsafeRawBufferPointer(rebasing: input[inPos..<inPos + compressed]),
                    into: UnsafeMutableRawBufferPointer(rebasing: output[outPos..<outPos + expanded]), codec: "lz4")
            } catch { return false }
            inPos += compressed
            outPos += expanded
        }
        return outPos == output.count
    }

    static func compressHadoop(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(CompressionError) -> Int
    {
        let produced = try compressBlock(input, into: UnsafeMutableRawBufferPointer(rebasing: output[8...]))
        for (i, value) in [input.count, produced].enumerated() {
            for b in 0..<4 { output[i * 4 + b] = UInt8(truncatingIfNeeded: value >> (24 - 8 * b)) }
        }
        return produced + 8
    }

    /// Decodes LZ4 frames (every frame in `input`), producing at most `maxSize` bytes.
    static func decompressFrame(_ input: UnsafeRawBufferPointer, expectedSize: Int?, maxSize: Int)
        throws(CompressionError) -> [UInt8]
    {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            throw .corruptInput(codec: "lz4", detail: "cannot allocate a decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        let limit = expectedSize ?? maxSize
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var inPos = 0
        while inPos < input.count {
            var consumed = input.count - inPos
            var produced = chunk.count
            let hint = chunk.withUnsafeMutableBytes { c in
                LZ4F_decompress(context, c.baseAddress, &produced, input.baseAddress! + inPos, &consumed, nil)
            }
            if LZ4F_isError(hint) != 0 {
                throw .corruptInput(codec: "lz4", detail: String(cString: LZ4F_getErrorName(hint)))
            }
            inPos += consumed
            output.append(contentsOf: chunk[0..<produced])
            if output.count > limit { throw .sizeLimitExceeded(codec: "lz4", limit: limit) }
            if consumed == 0 && produced == 0 { throw .corruptInput(codec: "lz4", detail: "truncated frame") }
            if hint == 0 && inPos < input.count { continue }  // the next frame
            if hint != 0 && inPos == input.count && produced < chunk.count {
                throw .corruptInput(codec: "lz4", detail: "truncated frame")
            }
        }
        if let expected = expectedSize, output.count != expected {
            throw .sizeMismatch(codec: "lz4", expected: expected, actual: output.count)
        }
        return output
    }

    static func compressFrame(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(CompressionError) -> Int
    {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentSize = UInt64(input.count)
        let produced = LZ4F_compressFrame(
            output.baseAddress, output.count, input.baseAddress, input.count, &preferences)
        if LZ4F_isError(produced) != 0 {
            throw .compressionFailed(codec: "lz4", detail: String(cString: LZ4F_getErrorName(produced)))
        }
        return produced
    }

    static func frameBound(_ count: Int) -> Int {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentSize = UInt64(count)
        return LZ4F_compressFrameBound(count, &preferences)
    }
}
