#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exact min/max of a value range, PLAIN-encoded (byte arrays without length prefix).
struct MinMax: Sendable {
    var min: [UInt8]
    var max: [UInt8]
}

/// Computes and compares statistics in each column's sort order.
struct StatisticsBuilder {
    let type: PhysicalType
    let order: SortOrder
    let isString: Bool

    init(column: ColumnDescriptor) {
        type = column.physicalType
        order = column.sortOrder
        if case .string? = column.logicalType {
            isString = true
        } else if case .enum? = column.logicalType {
            isString = true
        } else if case .json? = column.logicalType {
            isString = true
        } else {
            isString = false
        }
    }

    private static func bytes<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }

    /// The smallest and largest of `p[range]` compared as `key` gives them, leaving out the
    /// values `skip` names (NaN); nil when none is left.
    @inline(__always)
    private static func extremes<Stored, Key: Comparable>(
        _ p: UnsafeBufferPointer<Stored>, _ range: Range<Int>, skipping skip: (Stored) -> Bool = { _ in false },
        _ key: (Stored) -> Key
    ) -> (lo: Key, hi: Key)? {
        guard let first = range.first(where: { !skip(p[$0]) }) else { return nil }
        var lo = key(p[first])
        var hi = lo
        for i in (first + 1)..<range.upperBound where !skip(p[i]) {
            let x = key(p[i])
            lo = Swift.min(lo, x)
            hi = Swift.max(hi, x)
        }
        return (lo, hi)
    }

    /// A min and max as the little-endian bytes PLAIN encoding stores.
    @inline(__always)
    private static func littleEndian<T: FixedWidthInteger>(_ extremes: (lo: T, hi: T)?) -> MinMax? {
        extremes.map { MinMax(min: bytes($0.lo.littleEndian), max: bytes($0.hi.littleEndian)) }
    }

    /// A float zero as statistics write it: -0.0 as a min, +0.0 as a max (the spec's rule, so a
    /// reader comparing with either zero keeps the page).
    @inline(__always)
    private static func signedZero<F: FloatingPoint>(_ x: F, min: Bool) -> F {
        x == 0 ? (min ? -F.zero : F.zero) : x
    }

    /// Min and max of `values[range]`; nil when the range is empty, holds only NaN, or the
    /// type has no defined order.
    func minMax(_ values: ColumnValues, _ range: Range<Int>) -> MinMax? {
        guard !range.isEmpty, order != .undefined else { return nil }
        switch values {
        case .boolean(let v):
            var sawFalse = false
            var sawTrue = false
            for i in range { if v[i] { sawTrue = true } else { sawFalse = true } }
            return MinMax(min: [sawFalse ? 0 : 1], max: [sawTrue ? 1 : 0])
        case .int32(let v):
            return v.withUnsafeBufferPointer { p in
                order == .unsigned
                    ? Self.littleEndian(Self.extremes(p, range) { UInt32(bitPattern: $0) })
                    : Self.littleEndian(Self.extremes(p, range) { $0 })
            }
        case .int64(let v):
            return v.withUnsafeBufferPointer { p in
                order == .unsigned
                    ? Self.littleEndian(Self.extremes(p, range) { UInt64(bitPattern: $0) })
                    : Self.littleEndian(Self.extremes(p, range) { $0 })
            }
        case .float(let v):
            return v.withUnsafeBufferPointer { p in
                Self.extremes(p, range, skipping: \.isNaN) { $0 }.flatMap { lo, hi in
                    Self.littleEndian(
                        (Self.signedZero(lo, min: true).bitPattern, Self.signedZero(hi, min: false).bitPattern))
                }
            }
        case .double(let v):
            return v.withUnsafeBufferPointer { p in
                Self.extremes(p, range, skipping: \.isNaN) { $0 }.flatMap { lo, hi in
                    Self.littleEndian(
                        (Self.signedZero(lo, min: true).bitPattern, Self.signedZero(hi, min: false).bitPattern))
                }
            }
        case .byteArray(let b):
            return b.data.withUnsafeBytes { d in
                b.offsets.withUnsafeBufferPointer { off in
                    let base = d.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                    var lo = range.lowerBound
                    var hi = range.lowerBound
                    var loPtr = base + Int(off[lo])
                    var loLen = Int(off[lo + 1] - off[lo])
                    var hiPtr = loPtr
                    var hiLen = loLen
                    for i in range.dropFirst() {
                        let s = Int(off[i])
                        let l = Int(off[i + 1]) - s
                        let p = base + s
                        if compareBytes(p, l, loPtr, loLen) < 0 {
                            lo = i
                            loPtr = p
                            loLen = l
                        } else if compareBytes(p, l, hiPtr, hiLen) > 0 {
                            hi = i
                            hiPtr = p
                            hiLen = l
                        }
                    }
                    return MinMax(min: Array(b[lo]), max: Array(b[hi]))
                }
            }
        case .fixedLenByteArray(let f):
            return f.data.withUnsafeBytes { d in
                let base = d.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                let w = f.width
                var lo = range.lowerBound
                var hi = range.lowerBound
                for i in range.dropFirst() {
                    if compareBytes(base + i * w, w, base + lo * w, w) < 0 { lo = i }
                    if compareBytes(base + i * w, w, base + hi * w, w) > 0 { hi = i }
                }
                return MinMax(min: Array(f[lo]), max: Array(f[hi]))
            }
        case .int96:
            return nil
        }
    }

    @inline(__always)
    private func compareBytes(_ a: UnsafeRawPointer, _ al: Int, _ b: UnsafeRawPointer, _ bl: Int) -> Int {
        if order == .signedBytes { return Self.compareSignedBigEndian(a, al, b, bl) }
        // Compare 8 bytes at a time as big-endian integers; the tail byte by byte.
        let n = Swift.min(al, bl)
        var i = 0
        while i + 8 <= n {
            let x = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let y = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if x != y { return x < y ? -1 : 1 }
            i += 8
        }
        while i < n {
            let x = a.load(fromByteOffset: i, as: UInt8.self)
            let y = b.load(fromByteOffset: i, as: UInt8.self)
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        return al - bl
    }

    /// Compares big-endian two's complement integers of possibly different lengths.
    static func compareSignedBigEndian(_ a: UnsafeRawPointer, _ al: Int, _ b: UnsafeRawPointer, _ bl: Int) -> Int {
        let aNeg = al > 0 && a.load(as: UInt8.self) & 0x80 != 0
        let bNeg = bl > 0 && b.load(as: UInt8.self) & 0x80 != 0
        if aNeg != bNeg { return aNeg ? -1 : 1 }
        let n = Swift.max(al, bl)
        let pad: UInt8 = aNeg ? 0xFF : 0
        for i in 0..<n {
            let x = i < n - al ? pad : a.load(fromByteOffset: i - (n - al), as: UInt8.self)
            let y = i < n - bl ? pad : b.load(fromByteOffset: i - (n - bl), as: UInt8.self)
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Compares two PLAIN-encoded statistics values.
    func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        func le<T: FixedWidthInteger>(_ x: [UInt8], _: T.Type) -> T {
            x.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch type {
        case .boolean: return Int(a[0]) - Int(b[0])
        case .int32:
            if order == .unsigned {
                let x = le(a, UInt32.self)
                let y = le(b, UInt32.self)
                return x < y ? -1 : (x > y ? 1 : 0)
            }
            let x = le(a, Int32.self)
            let y = le(b, Int32.self)
            return x < y ? -1 : (x > y ? 1 : 0)
        case .int64:
            if order == .unsigned {
                let x = le(a, UInt64.self)
                let y = le(b, UInt64.self)
                return x < y ? -1 : (x > y ? 1 : 0)
            }
            let x = le(a, Int64.self)
            let y = le(b, Int64.self)
            return x < y ? -1 : (x > y ? 1 : 0)
        case .float:
            let x = Float(bitPattern: le(a, UInt32.self))
            let y = Float(bitPattern: le(b, UInt32.self))
            return x < y ? -1 : (x > y ? 1 : 0)
        case .double:
            let x = Double(bitPattern: le(a, UInt64.self))
            let y = Double(bitPattern: le(b, UInt64.self))
            return x < y ? -1 : (x > y ? 1 : 0)
        case .byteArray, .fixedLenByteArray, .int96:
            return a.withUnsafeBytes { pa in
                b.withUnsafeBytes { pb in
                    compareBytes(
                        pa.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, a.count,
                        pb.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, b.count)
                }
            }
        }
    }

    /// Merges two ranges' min/max.
    func merge(_ a: MinMax?, _ b: MinMax?) -> MinMax? {
        guard let a else { return b }
        guard let b else { return a }
        return MinMax(min: compare(b.min, a.min) < 0 ? b.min : a.min, max: compare(b.max, a.max) > 0 ? b.max : a.max)
    }

    /// Truncates byte-array bounds to `limit` bytes so they stay valid bounds: the min is cut
    /// to a prefix, the max is cut and its last byte (or UTF-8 code point) incremented.
    /// Returns the bounds with exactness flags; a max that cannot be incremented is dropped.
    func truncated(_ mm: MinMax, limit: Int) -> (min: [UInt8], minExact: Bool, max: [UInt8]?, maxExact: Bool) {
        // FIXED_LEN_BYTE_ARRAY bounds must keep their width, so only BYTE_ARRAY is truncated.
        guard type == .byteArray, order == .unsigned, limit > 0 else {
            return (mm.min, true, mm.max, true)
        }
        var lo = mm.min
        var minExact = true
        if lo.count > limit {
            var cut = limit
            if isString { while cut > 0 && lo[cut] & 0xC0 == 0x80 { cut -= 1 } }
            lo = Array(lo[0..<cut])
            minExact = false
        }
        guard mm.max.count > limit else { return (lo, minExact, mm.max, true) }
        let hi =
            isString ? Self.incrementUTF8Prefix(mm.max, limit: limit) : Self.incrementBytePrefix(mm.max, limit: limit)
        return (lo, minExact, hi, false)
    }

    static func incrementBytePrefix(_ v: [UInt8], limit: Int) -> [UInt8]? {
        var p = Array(v[0..<limit])
        while let last = p.last {
            if last < 0xFF {
                p[p.count - 1] = last + 1
                return p
            }
            p.removeLast()
        }
        return nil
    }

    static func incrementUTF8Prefix(_ v: [UInt8], limit: Int) -> [UInt8]? {
        var cut = limit
        while cut > 0 && v[cut] & 0xC0 == 0x80 { cut -= 1 }
        var scalars = Array(String(decoding: v[0..<cut], as: UTF8.self).unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next >= 0xD800 && next <= 0xDFFF { next = 0xE000 }
            if let s = Unicode.Scalar(next) {
                scalars.append(s)
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars)
                return Array(String(out).utf8)
            }
        }
        return nil
    }
}

extension StatisticsBuilder {
    /// For small byte-array dictionaries, the sort rank of each entry, so page statistics can
    /// be taken over integer ranks instead of comparing bytes per value. Nil otherwise.
    func ranks(of dictionary: ColumnValues) -> [UInt32]? {
        guard order != .undefined else { return nil }
        let n = dictionary.count
        guard n > 0, n <= 4096 else { return nil }
        switch dictionary {
        case .byteArray, .fixedLenByteArray: break
        default: return nil
        }
        var entries: [[UInt8]] = []
        entries.reserveCapacity(n)
        for i in 0..<n { entries.append(minMax(dictionary, i..<i + 1)!.min) }
        let sorted = (0..<n).sorted { compare(entries[$0], entries[$1]) < 0 }
        var ranks = [UInt32](repeating: 0, count: n)
        for (rank, i) in sorted.enumerated() { ranks[i] = UInt32(rank) }
        return ranks
    }

    /// Min and max of dictionary-encoded values `indices[range]` using precomputed ranks.
    func minMax(dictionary: ColumnValues, ranks: [UInt32], indices: [UInt32], _ range: Range<Int>) -> MinMax? {
        guard !range.isEmpty else { return nil }
        var lo = UInt32.max
        var hi = UInt32.min
        var loIndex = 0
        var hiIndex = 0
        ranks.withUnsafeBufferPointer { rk in
            indices.withUnsafeBufferPointer { idx in
                for i in range {
                    let e = Int(idx[i])
                    let r = rk[e]
                    if r < lo {
                        lo = r
                        loIndex = e
                    }
                    if r > hi {
                        hi = r
                        hiIndex = e
                    }
                }
            }
        }
        guard let a = minMax(dictionary, loIndex..<loIndex + 1), let b = minMax(dictionary, hiIndex..<hiIndex + 1)
        else { return nil }
        return MinMax(min: a.min, max: b.max)
    }
}
