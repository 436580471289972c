/// Builds a dictionary over a column's values with an open-addressing hash table on flat
/// arrays: fixed-width values are hashed by bit pattern, byte arrays by their raw bytes, and
/// unique byte arrays are stored once in one contiguous buffer.
struct DictionaryBuilder {
    /// Dictionary index of every value, in order.
    var indices: [UInt32] = []
    /// The distinct values, in first-seen order.
    var dictionary: ColumnValues
    /// Size of the dictionary page when PLAIN-encoded.
    var plainSize = 0

    private init(dictionary: ColumnValues) { self.dictionary = dictionary }

    /// Tries to dictionary-encode `values`. Returns nil when the dictionary would exceed
    /// `maxDictionaryBytes`. A column whose first `sampleSize` values hold (almost) no repeats
    /// is given up early, so unique columns (ids, timestamps, free text) cost little.
    static func build(_ values: ColumnValues, maxDictionaryBytes: Int) -> DictionaryBuilder? {
        let n = values.count
        guard n > 0 else { return nil }
        switch values {
        case .boolean: return nil
        case .int32(let v):
            return v.withUnsafeBytes { raw in
                buildFixed(raw.bindMemory(to: UInt32.self), maxBytes: maxDictionaryBytes) { keys in
                    .int32(keys.map { Int32(bitPattern: $0) })
                }
            }
        case .int64(let v):
            return v.withUnsafeBytes { raw in
                buildFixed(raw.bindMemory(to: UInt64.self), maxBytes: maxDictionaryBytes) { keys in
                    .int64(keys.map { Int64(bitPattern: $0) })
                }
            }
        case .float(let v):
            return v.withUnsafeBytes { raw in
                buildFixed(raw.bindMemory(to: UInt32.self), maxBytes: maxDictionaryBytes) { keys in
                    .float(keys.map { Float(bitPattern: $0) })
                }
            }
        case .double(let v):
            return v.withUnsafeBytes { raw in
                buildFixed(raw.bindMemory(to: UInt64.self), maxBytes: maxDictionaryBytes) { keys in
                    .double(keys.map { Double(bitPattern: $0) })
                }
            }
        case .byteArray(let b):
            return buildBytes(b, maxBytes: maxDictionaryBytes)
        case .fixedLenByteArray(let f):
            var offsets = [Int32](repeating: 0, count: f.count + 1)
            for i in 0...f.count { offsets[i] = Int32(i * f.width) }
            guard
                var built = buildBytes(
                    ByteArrayBuffer(data: f.data, offsets: offsets), maxBytes: maxDictionaryBytes, fixedWidth: f.width)
            else { return nil }
            if case .byteArray(let d) = built.dictionary {
                built.dictionary = .fixedLenByteArray(FixedByteBuffer(width: f.width, data: d.data))
            }
            return built
        case .int96: return nil
        }
    }

    static let sampleSize = 16_384

    /// True when the first `sampleSize` values hold fewer than 1% repeats: the column is
    /// (nearly) unique, so a dictionary would either overflow its limit or, when it fits, only
    /// add an index per value to what PLAIN stores anyway (ids and timestamps in a partition's
    /// file of 50k rows). A smaller sample would be cheaper but would give up on columns whose
    /// first few thousand values are distinct and repeat later (rows emitted product by
    /// product, day after day).
    private static func isHopeless(distinct: Int, sample: Int) -> Bool {
        (sample - distinct) * 100 < sample
    }

    /// Table capacity (a power of two, at most half full) for `entries` entries.
    @inline(__always)
    private static func tableCapacity(for entries: Int) -> Int {
        var c = 4096
        while c < entries * 2 + 2 { c *= 2 }
        return c
    }

    @inline(__always)
    private static func hash64(_ x: UInt64) -> UInt64 {
        var h = x &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return h
    }

    /// A new hash table of `capacity` slots holding the entry numbers (-1 when empty) of the
    /// first `count` keys. Four-byte slots keep the table of a 50k-entry dictionary within the
    /// core's cache; a probe compares the key stored in `keys` at the slot's entry.
    private static func fixedTable<K: FixedWidthInteger & UnsignedInteger>(
        capacity: Int, keys: UnsafeMutableBufferPointer<K>, count: Int
    ) -> UnsafeMutableBufferPointer<Int32> {
        let table = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        table.initialize(repeating: -1)
        let mask = capacity - 1
        for j in 0..<count {
            var s = Int(truncatingIfNeeded: hash64(UInt64(keys[j])) >> 20) & mask
            while table[s] >= 0 { s = (s + 1) & mask }
            table[s] = Int32(j)
        }
        return table
    }

    /// Dictionary over fixed-width values compared by bit pattern (so -0.0 and 0.0, and
    /// different NaN payloads, stay distinct entries, as PLAIN round trips require).
    private static func buildFixed<K: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<K>, maxBytes: Int, make: ([K]) -> ColumnValues
    ) -> DictionaryBuilder? {
        let n = values.count
        let width = MemoryLayout<K>.size
        let maxEntries = min(maxBytes / width, n)
        // Manually managed buffers keep the hot loop free of reference counting and bounds checks.
        let keys = UnsafeMutableBufferPointer<K>.allocate(capacity: maxEntries + 1)
        defer { keys.deallocate() }
        var capacity = 4096
        var table = fixedTable(capacity: capacity, keys: keys, count: 0)
        defer { table.deallocate() }
        var count = 0
        var indices = [UInt32](repeating: 0, count: n)
        let sample = min(n, sampleSize)
        var ok = true
        indices.withUnsafeMutableBufferPointer { idx in
            var mask = capacity - 1
            var i = 0
            while i < n {
                let k = values[i]
                var slot = Int(truncatingIfNeeded: hash64(UInt64(k)) >> 20) & mask
                while true {
                    let e = table[slot]
                    if e < 0 {
                        if count == maxEntries {
                            ok = false
                            return
                        }
                        table[slot] = Int32(count)
                        idx[i] = UInt32(count)
                        keys[count] = k
                        count += 1
                        if count * 2 > capacity {
                            capacity *= 2
                            mask = capacity - 1
                            table.deallocate()
                            table = fixedTable(capacity: capacity, keys: keys, count: count)
                        }
                        break
                    }
                    if keys[Int(e)] == k {
                        idx[i] = UInt32(e)
                        break
                    }
                    slot = (slot + 1) & mask
                }
                i += 1
                if i == sample && sample < n {
                    if isHopeless(distinct: count, sample: sample) {
                        ok = false
                        return
                    }
                    // The sample's share of distinct values predicts the final count: size
                    // the table once for it instead of doubling it step by step.
                    let expected = min(maxEntries, count * n / sample)
                    if tableCapacity(for: expected) > capacity {
                        capacity = tableCapacity(for: expected)
                        mask = capacity - 1
                        table.deallocate()
                        table = fixedTable(capacity: capacity, keys: keys, count: count)
                    }
                }
            }
        }
        guard ok else { return nil }
        var d = DictionaryBuilder(dictionary: make(Array(keys[0..<count])))
        d.indices = indices
        d.plainSize = count * width
        return d
    }

    /// Hashes bytes 8 at a time; short tails are read with at most two loads.
    @inline(__always)
    private static func hashBytes(_ p: UnsafeRawPointer, _ len: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(len &+ 1)
        var i = 0
        while i + 8 <= len {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        let rest = len - i
        if rest > 0 {
            var tail: UInt64
            if len >= 8 {
                tail = p.loadUnaligned(fromByteOffset: len - 8, as: UInt64.self)
            } else if rest >= 4 {
                tail =
                    UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                    | UInt64(p.loadUnaligned(fromByteOffset: len - 4, as: UInt32.self)) << 32
            } else {
                tail =
                    UInt64(p.load(fromByteOffset: i, as: UInt8.self))
                    | UInt64(p.load(fromByteOffset: i + rest / 2, as: UInt8.self)) << 8
                    | UInt64(p.load(fromByteOffset: len - 1, as: UInt8.self)) << 16
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        return h ^ (h >> 29)
    }

    /// Compares `n` bytes 8 at a time; a tail, or a value of 4 to 7 bytes, is compared with
    /// two overlapping loads.
    @inline(__always)
    static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                {
                    return false
                }
                i += 8
            }
            return i == n
                || a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        var i = 0
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    /// Dictionary over byte strings. Unique values are copied once into a flat buffer bounded
    /// by the dictionary limit; the table stores entry numbers and the full 64-bit hashes.
    private static func buildBytes(_ b: ByteArrayBuffer, maxBytes: Int, fixedWidth: Int? = nil) -> DictionaryBuilder? {
        let n = b.count
        let perValueOverhead = fixedWidth == nil ? 4 : 0
        let maxEntries = min(n, maxBytes / max(perValueOverhead + (fixedWidth ?? 0), 1) + 1)
        let data = UnsafeMutableRawBufferPointer.allocate(byteCount: maxBytes + 1, alignment: 8)
        defer { data.deallocate() }
        let starts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: maxEntries + 1)
        defer { starts.deallocate() }
        let hashes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: maxEntries + 1)
        defer { hashes.deallocate() }
        var capacity = 4096
        var table = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        table.initialize(repeating: -1)
        defer { table.deallocate() }
        var count = 0
        var used = 0
        var plainSize = 0
        starts[0] = 0
        var indices = [UInt32](repeating: 0, count: n)
        let sample = min(n, sampleSize)
        var ok = true
        b.data.withUnsafeBytes { src in
            b.offsets.withUnsafeBufferPointer { off in
                indices.withUnsafeMutableBufferPointer { idx in
                    var mask = capacity - 1
                    let base = src.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                    let dictBase = data.baseAddress!
                    var i = 0
                    while i < n {
                        let s = Int(off[i])
                        let len = Int(off[i + 1]) - s
                        let p = base + s
                        let h = hashBytes(p, len)
                        var slot = Int(truncatingIfNeeded: h >> 20) & mask
                        while true {
                            let e = table[slot]
                            if e < 0 {
                                plainSize += len + perValueOverhead
                                if plainSize > maxBytes || count == maxEntries {
                                    ok = false
                                    return
                                }
                                table[slot] = Int32(count)
                                idx[i] = UInt32(count)
                                hashes[count] = h
                                if len > 0 { (dictBase + used).copyMemory(from: p, byteCount: len) }
                                used += len
                                count += 1
                                starts[count] = Int32(used)
                                if count * 2 > capacity {
                                    table.deallocate()
                                    capacity *= 2
                                    mask = capacity - 1
                                    table = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
                                    table.initialize(repeating: -1)
                                    for j in 0..<count {
                                        var t = Int(truncatingIfNeeded: hashes[j] >> 20) & mask
                                        while table[t] >= 0 { t = (t + 1) & mask }
                                        table[t] = Int32(j)
                                    }
                                }
                                break
                            }
                            let ei = Int(e)
                            if hashes[ei] == h {
                                let ds = Int(starts[ei])
                                if Int(starts[ei + 1]) - ds == len && bytesEqual(dictBase + ds, p, len) {
                                    idx[i] = UInt32(ei)
                                    break
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                        i += 1
                        if i == sample && sample < n && isHopeless(distinct: count, sample: sample) {
                            ok = false
                            return
                        }
                    }
                }
            }
        }
        guard ok else { return nil }
        let dict = ByteArrayBuffer(
            data: Array(UnsafeRawBufferPointer(rebasing: data[0..<used])), offsets: Array(starts[0...count]))
        var d = DictionaryBuilder(dictionary: .byteArray(dict))
        d.indices = indices
        d.plainSize = plainSize
        return d
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
