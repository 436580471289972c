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
                if bit == 8 { out.append(byte); byte = 0; bit = 0 }
            }
            if bit > 0 { out.append(byte) }
        case .int32(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .int64(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .float(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .double(let v): v.withUnsafeBufferPointer { out.appendRaw(UnsafeBufferPointer(rebasing: $0[range])) }
        case .int96(let f), .fixedLenByteArray(let f):
            f.data.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[range.lowerBound * f.width..<range.upperBound * f.width])) }
        case .byteArray(let b):
            guard !range.isEmpty else { return }
            let first = Int(b.offsets[range.lowerBound]), last = Int(b.offsets[range.upperBound])
            let start = out.count
            let total = (last - first) + 4 * range.count
            out.append(contentsOf: repeatElement(0, count: total))
            out.withUnsafeMutableBytes { dst in
                b.data.withUnsafeBytes { src in
                    b.offsets.withUnsafeBufferPointer { off in
                        var o = start
                        for i in range {
                            let s = Int(off[i]), e = Int(off[i + 1])
                            let len = e - s
                            dst.storeBytes(of: UInt32(truncatingIfNeeded: len).littleEndian, toByteOffset: o, as: UInt32.self)
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
    static func decode(_ data: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, type: PhysicalType,
                       width: Int, into out: inout ColumnValues) throws(DecodeError) {
        let available = end - start
        func need(_ bytes: Int) throws(DecodeError) {
            guard bytes <= available else { throw .truncated("\(count) PLAIN \(type.name) values need \(bytes) bytes, page has \(available)") }
        }
        let src = UnsafeRawBufferPointer(rebasing: data[start..<end])
        switch out {
        case .boolean(var v):
            try need((count + 7) / 8)
            out = .int32([]) // release the buffer reference to allow in-place append
            v.reserveCapacity(v.count + count)
            for i in 0..<count { v.append((src[i >> 3] >> UInt8(i & 7)) & 1 == 1) }
            out = .boolean(v)
        case .int32(var v):
            try need(count * 4); out = .boolean([]); appendRaw(src, count: count, to: &v, zero: 0); out = .int32(v)
        case .int64(var v):
            try need(count * 8); out = .boolean([]); appendRaw(src, count: count, to: &v, zero: 0); out = .int64(v)
        case .float(var v):
            try need(count * 4); out = .boolean([]); appendRaw(src, count: count, to: &v, zero: 0); out = .float(v)
        case .double(var v):
            try need(count * 8); out = .boolean([]); appendRaw(src, count: count, to: &v, zero: 0); out = .double(v)
        case .int96(var f):
            try need(count * 12); out = .boolean([]); f.data.append(contentsOf: src[0..<count * 12]); out = .int96(f)
        case .fixedLenByteArray(var f):
            try need(count * width); out = .boolean([]); f.data.append(contentsOf: src[0..<count * width]); out = .fixedLenByteArray(f)
        case .byteArray(var b):
            out = .boolean([])
            b.offsets.reserveCapacity(b.offsets.count + count)
            // First pass: validate lengths and total size so one reservation suffices.
            var p = 0
            var total = 0
            for _ in 0..<count {
                guard p + 4 <= available else { throw .truncated("BYTE_ARRAY length at offset \(start + p)") }
                let len = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                guard len <= available - p - 4 else { throw .truncated("BYTE_ARRAY value of \(len) bytes at offset \(start + p)") }
                p += 4 + len
                total += len
            }
            guard b.data.count + total <= Int(Int32.max) else { throw .invalid("byte array column exceeds 2 GiB in one batch") }
            b.data.reserveCapacity(b.data.count + total)
            p = 0
            var offset = Int32(b.data.count)
            for _ in 0..<count {
                let len = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                b.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: src[p + 4..<p + 4 + len]))
                offset += Int32(len)
                b.offsets.append(offset)
                p += 4 + len
            }
            out = .byteArray(b)
        }
    }

    /// Appends `count` raw little-endian values from `src` to `v` without a temporary array.
    static func appendRaw<T>(_ src: UnsafeRawBufferPointer, count: Int, to v: inout [T], zero: T) {
        let old = v.count
        v.append(contentsOf: repeatElement(zero, count: count))
        v.withUnsafeMutableBytes { dst in
            let stride = MemoryLayout<T>.stride
            (dst.baseAddress! + old * stride).copyMemory(from: src.baseAddress!, byteCount: count * stride)
        }
    }
}
