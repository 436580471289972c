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
            let start = out.count
            let total = (last - first) + 4 * range.count
            out.append(contentsOf: repeatElement(0, count: total))
            out.withUnsafeMutableBytes { dst in
                b.data.withUnsafeBytes { src in
                    b.offsets.withUnsafeBufferPointer { off in
                        var o = start
                        for i in range {
                            let s = Int(off[i])
                            let e = Int(off[i + 1])
                            let len = e - s
                            dst.storeBytes(
                                of: UInt32(truncatingIfNeeded: len).littleEndian, toByteOffset: o, as: UInt32.self)
                            o += 4
                            if len > 0 {
                                (dst.baseAddress! + o).copyMemory(from: src.baseAddress! + s, byteCount: len)
                            }
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
            // First pass: validate lengths and total size so one reservation suffices.
            var p = 0
            var total = 0
            for _ in 0..<count {
                guard p + 4 <= available else { throw .truncated("BYTE_ARRAY length at offset \(start + p)") }
                let len = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                guard len <= available - p - 4 else {
                    throw .truncated("BYTE_ARRAY value of \(len) bytes at offset \(start + p)")
                }
                p += 4 + len
                total += len
            }
            guard out.bytes.data.count + total <= Int(Int32.max) else {
                throw .invalid("byte array column exceeds 2 GiB in one chunk")
            }
            // Second pass: grow both buffers once, then copy through pointers (no per-value append).
            let dataStart = out.bytes.data.count
            let offsetStart = out.bytes.offsets.count
            out.bytes.data.append(contentsOf: repeatElement(0, count: total))
            out.bytes.offsets.append(contentsOf: repeatElement(0, count: count))
            out.bytes.data.withUnsafeMutableBytes { data in
                out.bytes.offsets.withUnsafeMutableBufferPointer { offsets in
                    var offset = dataStart
                    var p = 0
                    for i in 0..<count {
                        let len = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                        if len > 0 {
                            (data.baseAddress! + offset).copyMemory(from: src.baseAddress! + p + 4, byteCount: len)
                        }
                        offset += len
                        offsets[offsetStart + i] = Int32(truncatingIfNeeded: offset)
                        p += 4 + len
                    }
                }
            }
        }
    }

    /// Appends `count` raw little-endian values from `src` to `v` without a temporary array:
    /// one memcpy when the source is aligned, unaligned loads otherwise.
    static func appendRaw<T>(_ src: UnsafeRawBufferPointer, count: Int, to v: inout [T]) {
        guard count > 0 else { return }
        let base = src.baseAddress!
        if Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 {
            v.append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: count))
        } else {
            // Unaligned source: grow once, then one byte copy (memcpy does not care).
            let old = v.count
            v.append(contentsOf: repeatElement(v.first ?? src.loadUnaligned(as: T.self), count: count))
            v.withUnsafeMutableBytes { dst in
                (dst.baseAddress! + old * MemoryLayout<T>.stride).copyMemory(
                    from: base, byteCount: count * MemoryLayout<T>.stride)
            }
        }
    }
}
