/// PLAIN encoding of value ranges (little-endian fixed width, length-prefixed byte arrays,
/// bit-packed booleans).
enum PlainEncoder {
    static func encode(_ values: ColumnValues, range: Range<Int>, into out: inout [UInt8]) {
        switch values {
        case .boolean(let v):
            var byte: UInt8 = 0
            var bit = 0
            out.reserveCapacity(out.count + (range.count + 7) / 8)
            for i in range {
                if v[i] { byte |= 1 << UInt8(bit) }
                bit += 1
                if bit == 8 {
                    out.append(byte)
                    byte = 0
                    bit = 0
                }
            }
            if bit > 0 { out.append(byte) }
        case .int32(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .int64(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .float(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .double(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .int96(let f), .fixedLenByteArray(let f):
            f.data.withUnsafeBytes {
                out.append(
                    contentsOf: UnsafeRawBufferPointer(
                        rebasing: $0[range.lowerBound * f.width..<range.upperBound * f.width]))
            }
        case .byteArray(let b):
            guard !range.isEmpty else { return }
            let first = Int(b.offsets[range.lowerBound])
            let last = Int(b.offsets[range.upperBound])
            let total = (last - first) + 4 * range.count
            out.appendInPlace(count: total) { dst in
                b.data.withUnsafeBytes { src in
                    b.offsets.withUnsafeBufferPointer { off in
                        var o = UnsafeMutableRawPointer(dst.baseAddress!)
                        for i in range {
                            let s = Int(off[i])
                            let len = Int(off[i + 1]) - s
                            o.storeBytes(of: UInt32(truncatingIfNeeded: len).littleEndian, as: UInt32.self)
                            o += 4
                            if len > 0 { o.copyMemory(from: src.baseAddress! + s, byteCount: len) }
                            o += len
                        }
                    }
                }
            }
        }
    }

    /// Plain-encoded size of a range, used to cut pages.
    static func encodedSize(_ values: ColumnValues, range: Range<Int>) -> Int {
        switch values {
        case .boolean: return (range.count + 7) / 8
        case .int32, .float: return range.count * 4
        case .int64, .double: return range.count * 8
        case .int96(let f), .fixedLenByteArray(let f): return range.count * f.width
        case .byteArray(let b):
            guard !range.isEmpty else { return 0 }
            return Int(b.offsets[range.upperBound] - b.offsets[range.lowerBound]) + 4 * range.count
        }
    }
}

/// PLAIN decoding into typed buffers; each call checks that the input holds `count` values.
enum PlainDecoder {
    static func decode(
        _ data: UnsafeRawBufferPointer, start: Int, end: Int, count: Int,
        into out: inout ColumnValuesBuilder
    ) throws(DecodeError) {
        let available = end - start
        let type = out.type
        let width = out.width
        func need(_ bytes: Int) throws(DecodeError) {
            guard bytes <= available else {
                throw .truncated("\(count) PLAIN \(type.name) values need \(bytes) bytes, page has \(available)")
            }
        }
        let src = UnsafeRawBufferPointer(rebasing: data[start..<end])
        switch type {
        case .boolean:
            try need((count + 7) / 8)
            out.booleans.reserveCapacity(out.booleans.count + count)
            for i in 0..<count { out.booleans.append((src[i >> 3] >> UInt8(i & 7)) & 1 == 1) }
        case .int32:
            try need(count * 4)
            appendRaw(src, count: count, to: &out.int32s)
        case .int64:
            try need(count * 8)
            appendRaw(src, count: count, to: &out.int64s)
        case .float:
            try need(count * 4)
            appendRaw(src, count: count, to: &out.floats)
        case .double:
            try need(count * 8)
            appendRaw(src, count: count, to: &out.doubles)
        case .int96, .fixedLenByteArray:
            try need(count * width)
            out.fixed.append(contentsOf: UnsafeRawBufferPointer(rebasing: src[0..<count * width]))
        case .byteArray:
            try decodeByteArrays(src, start: start, count: count, keep: nil, into: &out.bytes)
        }
    }

    /// Decodes the `count` PLAIN values of a page but appends only those `keep` flags (one
    /// flag per value): fixed-width values are copied a run of kept ones at a time, byte
    /// arrays have their lengths walked and only kept ones copied. Booleans decode whole and
    /// are narrowed after. The input is checked exactly as `decode` checks it.
    static func decode(
        _ data: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, keep: [Bool],
        into out: inout ColumnValuesBuilder
    ) throws(DecodeError) {
        precondition(keep.count == count, "one keep flag per value")
        let available = end - start
        let src = UnsafeRawBufferPointer(rebasing: data[start..<end])
        let width: Int
        switch out.type {
        case .boolean:
            let before = out.booleans.count
            try decode(data, start: start, end: end, count: count, into: &out)
            out.retain(from: before, keep)
            return
        case .int32, .float: width = 4
        case .int64, .double: width = 8
        case .int96, .fixedLenByteArray: width = out.width
        case .byteArray:
            try decodeByteArrays(src, start: start, count: count, keep: keep, into: &out.bytes)
            return
        }
        guard count * width <= available else {
            throw .truncated(
                "\(count) PLAIN \(out.type.name) values need \(count * width) bytes, page has \(available)")
        }
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard kept > 0 else { return }
        func copyRuns<T: BitwiseCopyable>(_ a: inout [T], elementsPerValue: Int) {
            a.appendInPlace(count: kept * elementsPerValue) { dst in
                var d = UnsafeMutableRawPointer(dst.baseAddress!)
                keep.withUnsafeBufferPointer { k in
                    var i = 0
                    while i < count {
                        guard k[i] else {
                            i += 1
                            continue
                        }
                        var j = i + 1
                        while j < count && k[j] { j += 1 }
                        d.copyMemory(from: src.baseAddress! + i * width, byteCount: (j - i) * width)
                        d += (j - i) * width
                        i = j
                    }
                }
            }
        }
        switch out.type {
        case .int32: copyRuns(&out.int32s, elementsPerValue: 1)
        case .int64: copyRuns(&out.int64s, elementsPerValue: 1)
        case .float: copyRuns(&out.floats, elementsPerValue: 1)
        case .double: copyRuns(&out.doubles, elementsPerValue: 1)
        default: copyRuns(&out.fixed, elementsPerValue: width)
        }
    }

    /// PLAIN byte arrays, all of them or (with `keep`, a flag per value) the flagged ones: one
    /// pass checks every length and sums the bytes kept, a second grows both buffers once and
    /// copies the kept values in place (no zero fill, no per-value append).
    private static func decodeByteArrays(
        _ src: UnsafeRawBufferPointer, start: Int, count: Int, keep: [Bool]?, into out: inout ByteArrayBuffer
    ) throws(DecodeError) {
        guard count > 0 else { return }
        let available = src.count
        var p = 0
        var total = 0
        var kept = 0
        for i in 0..<count {
            guard p + 4 <= available else { throw .truncated("BYTE_ARRAY length at offset \(start + p)") }
            let len = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
            guard len <= available - p - 4 else {
                throw .truncated("BYTE_ARRAY value of \(len) bytes at offset \(start + p)")
            }
            p += 4 + len
            if keep?[i] ?? true {
                total += len
                kept += 1
            }
        }
        guard out.data.count + total <= Int(Int32.max) else {
            throw .invalid("byte array column exceeds 2 GiB in one chunk")
        }
        var offset = out.data.count
        let base = src.baseAddress!
        out.offsets.appendInPlace(count: kept) { offsets in
            out.data.appendInPlace(count: total) { data in
                var d = data.baseAddress  // nil when every kept value is empty
                var p = 0
                var w = 0
                for i in 0..<count {
                    let len = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                    if keep?[i] ?? true {
                        if len > 0 {
                            UnsafeMutableRawPointer(d!).copyMemory(from: base + p + 4, byteCount: len)
                            d! += len
                        }
                        offset += len
                        offsets[w] = Int32(truncatingIfNeeded: offset)
                        w += 1
                    }
                    p += 4 + len
                }
            }
        }
    }

    /// Appends `count` raw little-endian values from `src` to `v` without a temporary array:
    /// one memcpy either way (typed when the source is aligned).
    static func appendRaw<T: BitwiseCopyable>(_ src: UnsafeRawBufferPointer, count: Int, to v: inout [T]) {
        guard count > 0 else { return }
        let base = src.baseAddress!
        if Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 {
            v.append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: count))
        } else {
            // Unaligned source: one byte copy into the grown array (memcpy does not care).
            v.appendInPlace(count: count) { dst in
                UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(
                    from: base, byteCount: count * MemoryLayout<T>.stride)
            }
        }
    }
}
