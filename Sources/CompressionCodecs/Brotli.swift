import CBrotli

/// Brotli streams (Parquet `BROTLI`).
enum Brotli {
    static func compress(_ input: UnsafeRawBufferPointer, quality: Int32, into output: UnsafeMutableRawBufferPointer)
        throws(CompressionError) -> Int
    {
        var produced = output.count
        let ok = BrotliEncoderCompress(
            quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, input.count,
            input.baseAddress?.assumingMemoryBound(to: UInt8.self), &produced,
            output.baseAddress!.assumingMemoryBound(to: UInt8.self))
        guard ok == BROTLI_TRUE else {
            throw .compressionFailed(codec: "brotli", detail: "BrotliEncoderCompress failed")
        }
        return produced
    }

    /// Decodes a stream, producing exactly `expectedSize` bytes when given, else at most `maxSize`.
    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, maxSize: Int) throws(CompressionError)
        -> [UInt8]
    {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else {
            throw .corruptInput(codec: "brotli", detail: "cannot allocate a decoder")
        }
        defer { BrotliDecoderDestroyInstance(state) }
        let limit = expectedSize ?? maxSize
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var availableIn = input.count
        var nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        while true {
            var availableOut = chunk.count
            let result = chunk.withUnsafeMutableBufferPointer { c in
                var nextOut = c.baseAddress
                return BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
            }
            output.append(contentsOf: chunk[0..<(chunk.count - availableOut)])
            if output.count > limit { throw .sizeLimitExceeded(codec: "brotli", limit: limit) }
            switch result {
            case BROTLI_DECODER_RESULT_SUCCESS:
                guard availableIn == 0 else { throw .corruptInput(codec: "brotli", detail: "bytes after the stream") }
                if let expected = expectedSize, output.count != expected {
                    throw .sizeMismatch(codec: "brotli", expected: expected, actual: output.count)
                }
                return output
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                continue
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                throw .corruptInput(codec: "brotli", detail: "truncated stream")
            default:
                let code = BrotliDecoderGetErrorCode(state)
                throw .corruptInput(codec: "brotli", detail: String(cString: BrotliDecoderErrorString(code)))
            }
        }
    }

    static func bound(_ count: Int) -> Int { BrotliEncoderMaxCompressedSize(count) }
}
