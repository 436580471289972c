import CLZ4
import CSnappy
import CZlib
import CZstd
import Synchronization

/// A block compression codec backed by a system library.
///
/// Each codec compresses a whole buffer at once (the unit is a Parquet page or an
/// Avro block). Decompression takes the expected output size when the container
/// format records it, and enforces it as an upper bound so corrupt input cannot
/// make the decoder allocate without limit.
public enum CompressionCodec: Sendable, Hashable {
    /// No compression: bytes are copied through.
    case uncompressed
    /// Raw Snappy (no framing), as Parquet and Avro use it.
    case snappy
    /// Zstandard frames at the given level (1...22; 3 is zstd's default).
    case zstd(level: Int32)
    /// A gzip member (RFC 1952) at the given zlib level (0...9).
    case gzip(level: Int32)
    /// Raw DEFLATE (RFC 1951, no header), as Avro's `deflate` codec uses it.
    case deflate(level: Int32)
    /// One raw LZ4 block (Parquet `LZ4_RAW`).
    case lz4Raw
    /// Parquet's deprecated `LZ4`: Hadoop's framing of LZ4 blocks. Decompression falls back
    /// to the LZ4 frame format and then to a raw block, as other readers do for files written
    /// by older writers that used those.
    case lz4Hadoop
    /// The LZ4 frame format (Puffin's `lz4`).
    case lz4Frame
    /// Brotli at the given quality (0...11).
    case brotli(quality: Int32)

    /// Compresses `input`, appending the compressed bytes to `output`.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(CompressionError) {
        switch self {
        case .uncompressed:
            output.append(contentsOf: input)
        case .snappy, .zstd, .lz4Raw, .lz4Hadoop, .lz4Frame, .brotli:
            // Compress straight into the grown tail of `output`, then trim it.
            let start = output.count
            let bound = maxCompressedLength(input.count)
            output.append(contentsOf: repeatElement(0, count: bound))
            var failure: CompressionError?
            var produced = 0
            output.withUnsafeMutableBytes { out in
                do throws(CompressionError) {
                    produced = try compress(input, into: UnsafeMutableRawBufferPointer(rebasing: out[start...]))
                } catch { failure = error }
            }
            output.removeLast(bound - (failure == nil ? produced : 0))
            if let failure { throw failure }
        case .gzip(let level):
            try Zlib.compress(input, level: level, windowBits: 31, appendingTo: &output)
        case .deflate(let level):
            try Zlib.compress(input, level: level, windowBits: -15, appendingTo: &output)
        }
    }

    /// An upper bound of the compressed size of `count` input bytes.
    public func maxCompressedLength(_ count: Int) -> Int {
        switch self {
        case .uncompressed: return count
        case .snappy: return snappy_max_compressed_length(count)
        case .zstd: return ZSTD_compressBound(count)
        case .gzip, .deflate: return count + count / 1000 + 64 + (count >> 12) + (count >> 14) + (count >> 25) + 13
        case .lz4Raw: return max(Int(LZ4_compressBound(Int32(clamping: count))), 1)
        case .lz4Hadoop: return max(Int(LZ4_compressBound(Int32(clamping: count))), 1) + 8
        case .lz4Frame: return LZ4.frameBound(count)
        case .brotli: return max(Brotli.bound(count), count + 64)
        }
    }

    /// Compresses `input` into `output`, which must hold `maxCompressedLength(input.count)`
    /// bytes; returns the number of bytes produced. No intermediate buffers are allocated
    /// (except zlib's own state).
    public func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(CompressionError) -> Int
    {
        precondition(output.count >= maxCompressedLength(input.count), "output buffer too small")
        switch self {
        case .uncompressed:
            if input.count > 0 { output.baseAddress!.copyMemory(from: input.baseAddress!, byteCount: input.count) }
            return input.count
        case .snappy:
            var produced = output.count
            let src = input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer<CChar>(bitPattern: 1)!
            let status = snappy_compress(
                src, input.count, output.baseAddress!.assumingMemoryBound(to: CChar.self), &produced)
            guard status == SNAPPY_OK else {
                throw .compressionFailed(codec: "snappy", detail: "status \(status.rawValue)")
            }
            return produced
        case .zstd(let level):
            let result = ZSTD_compress(output.baseAddress, output.count, input.baseAddress, input.count, level)
            if ZSTD_isError(result) != 0 {
                throw .compressionFailed(codec: "zstd", detail: String(cString: ZSTD_getErrorName(result)))
            }
            return result
        case .lz4Raw:
            return try LZ4.compressBlock(input, into: output)
        case .lz4Hadoop:
            return try LZ4.compressHadoop(input, into: output)
        case .lz4Frame:
            return try LZ4.compressFrame(input, into: output)
        case .brotli(let quality):
            return try Brotli.compress(input, quality: quality, into: output)
        case .gzip, .deflate:
            var out: [UInt8] = []
            try compress(input, appendingTo: &out)
            guard out.count <= output.count else {
                throw .compressionFailed(codec: name, detail: "output exceeds the bound")
            }
            out.withUnsafeBytes {
                if $0.count > 0 { output.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
            return out.count
        }
    }

    /// Compresses a byte array and returns the compressed bytes.
    public func compress(_ input: [UInt8]) throws(CompressionError) -> [UInt8] {
        var out: [UInt8] = []
        var failure: CompressionError?
        input.withUnsafeBytes { buf in
            do throws(CompressionError) { try compress(buf, appendingTo: &out) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// Decompresses `input`, which must expand to exactly `uncompressedSize` bytes when that is
    /// known (Parquet pages), or to at most `maxSize` bytes otherwise (Avro blocks).
    public func decompress(
        _ input: UnsafeRawBufferPointer, uncompressedSize: Int?, maxSize: Int = 1 << 31
    ) throws(CompressionError) -> [UInt8] {
        if let size = uncompressedSize, size < 0 || size > maxSize {
            throw .sizeLimitExceeded(codec: name, limit: maxSize)
        }
        switch self {
        case .uncompressed:
            if let size = uncompressedSize, size != input.count {
                throw .sizeMismatch(codec: name, expected: size, actual: input.count)
            }
            return Array(input)
        case .snappy:
            return try Snappy.decompress(input, expectedSize: uncompressedSize, maxSize: maxSize)
        case .zstd:
            return try Zstd.decompress(input, expectedSize: uncompressedSize, maxSize: maxSize)
        case .gzip:
            return try Zlib.decompress(
                input, windowBits: 47, expectedSize: uncompressedSize, maxSize: maxSize, codec: name)
        case .deflate:
            return try Zlib.decompress(
                input, windowBits: -15, expectedSize: uncompressedSize, maxSize: maxSize, codec: name)
        case .lz4Frame:
            return try LZ4.decompressFrame(input, expectedSize: uncompressedSize, maxSize: maxSize)
        case .brotli:
            return try Brotli.decompress(input, expectedSize: uncompressedSize, maxSize: maxSize)
        case .lz4Raw, .lz4Hadoop:
            guard let size = uncompressedSize else {
                throw .corruptInput(codec: name, detail: "an LZ4 block needs its decompressed size")
            }
            var failure: CompressionError?
            let out = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buf, count in
                do throws(CompressionError) {
                    try decompress(
                        input, into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buf[0..<size])))
                    count = size
                } catch {
                    failure = error
                    count = 0
                }
            }
            if let failure { throw failure }
            return out
        }
    }

    /// Decompresses `input` into `output`, which must be exactly the expected decompressed
    /// size (as Parquet page headers record it). Reusing one output buffer across pages avoids
    /// an allocation per page.
    public func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(CompressionError)
    {
        let size = output.count
        switch self {
        case .uncompressed:
            guard input.count == size else { throw .sizeMismatch(codec: name, expected: size, actual: input.count) }
            if size > 0 { output.baseAddress!.copyMemory(from: input.baseAddress!, byteCount: size) }
        case .snappy:
            guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count > 0 else {
                if size == 0 { return }
                throw .corruptInput(codec: "snappy", detail: "empty input")
            }
            var length = 0
            guard snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK else {
                throw .corruptInput(codec: "snappy", detail: "bad length header")
            }
            guard length == size else { throw .sizeMismatch(codec: "snappy", expected: size, actual: length) }
            if size == 0 { return }
            var produced = size
            guard
                snappy_uncompress(src, input.count, output.baseAddress!.assumingMemoryBound(to: CChar.self), &produced)
                    == SNAPPY_OK,
                produced == size
            else {
                throw .corruptInput(codec: "snappy", detail: "decompression failed")
            }
        case .zstd:
            guard input.count > 0 else {
                if size == 0 { return }
                throw .corruptInput(codec: "zstd", detail: "empty input")
            }
            let result = Zstd.decompressOneShot(output.baseAddress, size, input.baseAddress, input.count)
            if ZSTD_isError(result) != 0 {
                throw .corruptInput(codec: "zstd", detail: String(cString: ZSTD_getErrorName(result)))
            }
            guard result == size else { throw .sizeMismatch(codec: "zstd", expected: size, actual: result) }
        case .lz4Raw:
            try LZ4.decompressBlock(input, into: output, codec: name)
        case .lz4Hadoop:
            if LZ4.decompressHadoop(input, into: output) { return }
            // Not Hadoop-framed: an LZ4 frame, else one raw block.
            if let frame = try? LZ4.decompressFrame(input, expectedSize: size, maxSize: size) {
                frame.withUnsafeBytes {
                    if size > 0 { output.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: size) }
                }
                return
            }
            try LZ4.decompressBlock(input, into: output, codec: name)
        case .gzip, .deflate, .lz4Frame, .brotli:
            let bytes = try decompress(input, uncompressedSize: size, maxSize: size)
            bytes.withUnsafeBytes {
                if size > 0 { output.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: size) }
            }
        }
    }

    /// Decompresses a byte array; see `decompress(_:uncompressedSize:maxSize:)`.
    public func decompress(_ input: [UInt8], uncompressedSize: Int?, maxSize: Int = 1 << 31) throws(CompressionError)
        -> [UInt8]
    {
        var result: [UInt8] = []
        var failure: CompressionError?
        input.withUnsafeBytes { buf in
            do throws(CompressionError) {
                result = try decompress(buf, uncompressedSize: uncompressedSize, maxSize: maxSize)
            } catch { failure = error }
        }
        if let failure { throw failure }
        return result
    }

    /// A short lowercase name for messages (`snappy`, `zstd`, …).
    public var name: String {
        switch self {
        case .uncompressed: return "uncompressed"
        case .snappy: return "snappy"
        case .zstd: return "zstd"
        case .gzip: return "gzip"
        case .deflate: return "deflate"
        case .lz4Raw: return "lz4_raw"
        case .lz4Hadoop: return "lz4"
        case .lz4Frame: return "lz4_frame"
        case .brotli: return "brotli"
        }
    }
}

enum Snappy {
    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, maxSize: Int) throws(CompressionError)
        -> [UInt8]
    {
        guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count > 0 else {
            throw .corruptInput(codec: "snappy", detail: "empty input")
        }
        var length = 0
        guard snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK else {
            throw .corruptInput(codec: "snappy", detail: "bad length header")
        }
        if let expected = expectedSize, expected != length {
            throw .sizeMismatch(codec: "snappy", expected: expected, actual: length)
        }
        guard length <= maxSize else { throw .sizeLimitExceeded(codec: "snappy", limit: maxSize) }
        if length == 0 { return [] }
        var status = SNAPPY_OK
        var produced = length
        let out = [UInt8](unsafeUninitializedCapacity: length) { buf, count in
            status = snappy_uncompress(
                src, input.count, UnsafeMutableRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                &produced)
            count = status == SNAPPY_OK ? produced : 0
        }
        guard status == SNAPPY_OK, produced == length else {
            throw .corruptInput(codec: "snappy", detail: "decompression failed")
        }
        return out
    }
}

enum Zstd {
    /// A decompression context (`ZSTD_DCtx`), kept between calls.
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }

    /// Idle contexts: one is taken per call and handed back, so a reader decompressing page
    /// after page does not create (allocate and set up, ~100 KB) a context for each.
    private static let idle = Mutex<[Context]>([])

    /// At most this many idle contexts are kept; more are freed when handed back.
    private static let idleLimit = 16

    /// One-shot decompression of the frame(s) in `src` into `dst` with an idle context
    /// (zstd's result code: the size produced, or an error).
    static func decompressOneShot(
        _ dst: UnsafeMutableRawPointer?, _ capacity: Int, _ src: UnsafeRawPointer?, _ count: Int
    ) -> Int {
        guard let context = idle.withLock({ $0.popLast() }) ?? ZSTD_createDCtx().map(Context.init) else {
            return ZSTD_decompress(dst, capacity, src, count)  // no memory for a context to keep
        }
        let result = ZSTD_decompressDCtx(context.pointer, dst, capacity, src, count)
        let kept = idle.withLock { contexts in
            guard contexts.count < idleLimit else { return false }
            contexts.append(context)
            return true
        }
        if !kept { ZSTD_freeDCtx(context.pointer) }
        return result
    }

    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, maxSize: Int) throws(CompressionError)
        -> [UInt8]
    {
        guard input.count > 0, let src = input.baseAddress else {
            if expectedSize == 0 { return [] }
            throw .corruptInput(codec: "zstd", detail: "empty input")
        }
        // Allocate only what the frame itself declares (checked against the caller's size);
        // frames without a declared size are decoded as a stream.
        var capacity = -1
        let frameSize = ZSTD_getFrameContentSize(src, input.count)
        if frameSize == ZSTD_CONTENTSIZE_ERROR { throw .corruptInput(codec: "zstd", detail: "bad frame header") }
        if frameSize != ZSTD_CONTENTSIZE_UNKNOWN {
            guard frameSize <= UInt64(maxSize) else { throw .sizeLimitExceeded(codec: "zstd", limit: maxSize) }
            if let expected = expectedSize, UInt64(expected) != frameSize,
                ZSTD_findFrameCompressedSize(src, input.count) == input.count
            {
                throw .sizeMismatch(codec: "zstd", expected: expected, actual: Int(frameSize))
            }
            capacity = expectedSize ?? Int(frameSize)
        }
        if capacity >= 0 {
            var result = 0
            let out = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buf, count in
                result = decompressOneShot(buf.baseAddress, capacity, src, input.count)
                count = ZSTD_isError(result) != 0 ? 0 : result
            }
            if ZSTD_isError(result) != 0 {
                throw .corruptInput(codec: "zstd", detail: String(cString: ZSTD_getErrorName(result)))
            }
            if let expected = expectedSize, result != expected {
                throw .sizeMismatch(codec: "zstd", expected: expected, actual: result)
            }
            return out
        }
        let out = try streamDecompress(input, maxSize: expectedSize ?? maxSize)
        if let expected = expectedSize, out.count != expected {
            throw .sizeMismatch(codec: "zstd", expected: expected, actual: out.count)
        }
        return out
    }

    private static func streamDecompress(_ input: UnsafeRawBufferPointer, maxSize: Int) throws(CompressionError)
        -> [UInt8]
    {
        guard let stream = ZSTD_createDStream() else {
            throw .corruptInput(codec: "zstd", detail: "cannot allocate stream")
        }
        defer { ZSTD_freeDStream(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var ret = 0
            var produced = 0
            chunk.withUnsafeMutableBytes { c in
                var outBuf = ZSTD_outBuffer(dst: c.baseAddress, size: c.count, pos: 0)
                ret = ZSTD_decompressStream(stream, &outBuf, &inBuf)
                produced = outBuf.pos
            }
            if ZSTD_isError(ret) != 0 {
                throw .corruptInput(codec: "zstd", detail: String(cString: ZSTD_getErrorName(ret)))
            }
            output.append(contentsOf: chunk[0..<produced])
            if output.count > maxSize { throw .sizeLimitExceeded(codec: "zstd", limit: maxSize) }
            if ret == 0 && inBuf.pos == inBuf.size { return output }
            if produced == 0 && inBuf.pos == inBuf.size {
                throw .corruptInput(codec: "zstd", detail: "truncated frame")
            }
        }
    }
}

enum Zlib {
    static func compress(
        _ input: UnsafeRawBufferPointer, level: Int32, windowBits: Int32, appendingTo output: inout [UInt8]
    ) throws(CompressionError) {
        var stream = z_stream()
        let codec = windowBits > 15 ? "gzip" : "deflate"
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            throw .compressionFailed(codec: codec, detail: "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        var status = Z_OK
        var produced = 0
        output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress!.advanced(by: start).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(bound)
            status = deflate(&stream, Z_FINISH)
            produced = bound - Int(stream.avail_out)
        }
        guard status == Z_STREAM_END else {
            output.removeLast(bound)
            throw .compressionFailed(codec: codec, detail: "deflate status \(status)")
        }
        output.removeLast(bound - produced)
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer, windowBits: Int32, expectedSize: Int?, maxSize: Int, codec: String
    ) throws(CompressionError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptInput(codec: codec, detail: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        // Grow from a size tied to the input, so a lying size field cannot force a huge allocation.
        var output = [UInt8](repeating: 0, count: max(min(expectedSize ?? Int.max, input.count * 8 + 64), 64))
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        var total = 0
        while true {
            var status = Z_OK
            let capacity = output.count
            output.withUnsafeMutableBytes { out in
                stream.next_out = out.baseAddress!.advanced(by: total).assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(capacity - total)
                status = inflate(&stream, Z_NO_FLUSH)
                total = capacity - Int(stream.avail_out)
            }
            if status == Z_STREAM_END {
                // Parquet permits concatenated gzip members; continue if input remains.
                if stream.avail_in > 0 && windowBits > 15 {
                    guard inflateReset(&stream) == Z_OK else {
                        throw .corruptInput(codec: codec, detail: "reset failed")
                    }
                    continue
                }
                break
            }
            if status == Z_BUF_ERROR && stream.avail_in == 0 {
                throw .corruptInput(codec: codec, detail: "truncated stream")
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                let msg = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw .corruptInput(codec: codec, detail: msg)
            }
            if total == output.count {
                if let expected = expectedSize, total > expected {
                    throw .sizeMismatch(codec: codec, expected: expected, actual: total)
                }
                let cap = expectedSize.map { $0 + 1 } ?? maxSize
                guard output.count < cap else { throw .sizeLimitExceeded(codec: codec, limit: maxSize) }
                output.append(contentsOf: repeatElement(0, count: min(output.count, cap - output.count)))
            }
        }
        output.removeLast(output.count - total)
        if let expected = expectedSize, total != expected {
            throw .sizeMismatch(codec: codec, expected: expected, actual: total)
        }
        return output
    }
}
