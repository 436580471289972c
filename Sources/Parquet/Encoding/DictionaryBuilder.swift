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
    /// `maxDictionaryBytes` (checked early from a sample so hopeless columns cost little).
    static func build(_ values: ColumnValues, maxDictionaryBytes: Int) -> DictionaryBuilder? {
        let n = values.count
        guard n > 0 else { return nil }
        switch values {
        case .boolean: return nil
        case .int32(let v):
            return v.withUnsafeBufferPointer { p in
                buildFixed(count: n, width: 4, maxBytes: maxDictionaryBytes, key: { UInt64(UInt32(bitPattern: p[$0])) }) { keys in
                    .int32(keys.map { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) })
                }
            }
        case .int64(let v):
            return v.withUnsafeBufferPointer { p in
                buildFixed(count: n, width: 8, maxBytes: maxDictionaryBytes, key: { UInt64(bitPattern: p[$0]) }) { keys in
                    .int64(keys.map { Int64(bitPattern: $0) })
                }
            }
        case .float(let v):
            return v.withUnsafeBufferPointer { p in
                buildFixed(count: n, width: 4, maxBytes: maxDictionaryBytes, key: { UInt64(p[$0].bitPattern) }) { keys in
                    .float(keys.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) })
                }
            }
        case .double(let v):
            return v.withUnsafeBufferPointer { p in
                buildFixed(count: n, width: 8, maxBytes: maxDictionaryBytes, key: { p[$0].bitPattern }) { keys in
                    .double(keys.map { Double(bitPattern: $0) })
                }
            }
        case .byteArray(let b):
            return buildBytes(b, maxBytes: maxDictionaryBytes)
        case .fixedLenByteArray(let f):
            var offsets = [Int32](repeating: 0, count: f.count + 1)
            for i in 0...f.count { offsets[i] = Int32(i * f.width) }
            guard var built = buildBytes(ByteArrayBuffer(data: f.data, offsets: offsets), maxBytes: maxDictionaryBytes, fixedWidth: f.width) else { return nil }
            if case .byteArray(let d) = built.dictionary {
                built.dictionary = .fixedLenByteArray(FixedByteBuffer(width: f.width, data: d.data))
            }
            return built
        case .int96: return nil
        }
    }

    @inline(__always)
    private static func hash64(_ x: UInt64) -> UInt64 {
        var h = x &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return h
    }

    private static func buildFixed(count n: Int, width: Int, maxBytes: Int, key: (Int) -> UInt64,
                                   make: ([UInt64]) -> ColumnValues) -> DictionaryBuilder? {
        let maxEntries = maxBytes / width
        var capacity = 1024
        var table = [Int32](repeating: -1, count: capacity)
        var keys: [UInt64] = []
        keys.reserveCapacity(min(n, 1024))
        var indices = [UInt32](repeating: 0, count: n)
        let sample = min(n, 4096)
        let ok: Bool = indices.withUnsafeMutableBufferPointer { idx in
            var mask = capacity - 1
            for i in 0..<n {
                let k = key(i)
                var slot = Int(truncatingIfNeeded: hash64(k) >> 20) & mask
                while true {
                    let e = table[slot]
                    if e < 0 {
                        table[slot] = Int32(keys.count)
                        idx[i] = UInt32(keys.count)
                        keys.append(k)
                        if keys.count > maxEntries { return false }
                        if keys.count * 2 > capacity {
                            capacity *= 2
                            mask = capacity - 1
                            table = [Int32](repeating: -1, count: capacity)
                            for (j, kk) in keys.enumerated() {
                                var s = Int(truncatingIfNeeded: hash64(kk) >> 20) & mask
                                while table[s] >= 0 { s = (s + 1) & mask }
                                table[s] = Int32(j)
                            }
                        }
                        break
                    }
                    if keys[Int(e)] == k { idx[i] = UInt32(e); break }
                    slot = (slot + 1) & mask
                }
                if i + 1 == sample && sample < n {
                    // Project the dictionary size from the sample; give up early if hopeless.
                    let projected = Double(keys.count) / Double(sample) * Double(n)
                    if keys.count > sample / 2 && projected > Double(maxEntries) { return false }
                }
            }
            return true
        }
        guard ok else { return nil }
        var d = DictionaryBuilder(dictionary: make(keys))
        d.indices = indices
        d.plainSize = keys.count * width
        return d
    }

    @inline(__always)
    private static func hashBytes(_ p: UnsafeRawPointer, _ len: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(len)
        var i = 0
        while i + 8 <= len {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x1000_0000_01B3
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < len {
            tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }

    private static func buildBytes(_ b: ByteArrayBuffer, maxBytes: Int, fixedWidth: Int? = nil) -> DictionaryBuilder? {
        let n = b.count
        var capacity = 1024
        var table = [Int32](repeating: -1, count: capacity)
        var hashes: [UInt64] = []
        var dict = ByteArrayBuffer(capacity: 256, byteCapacity: 4096)
        var indices = [UInt32](repeating: 0, count: n)
        var plainSize = 0
        let perValueOverhead = fixedWidth == nil ? 4 : 0
        let sample = min(n, 4096)
        let ok: Bool = b.data.withUnsafeBytes { src in
            b.offsets.withUnsafeBufferPointer { off in
                indices.withUnsafeMutableBufferPointer { idx in
                    var mask = capacity - 1
                    let base = src.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    for i in 0..<n {
                        let s = Int(off[i]), len = Int(off[i + 1]) - s
                        let p = base + s
                        let h = hashBytes(p, len)
                        var slot = Int(truncatingIfNeeded: h >> 20) & mask
                        while true {
                            let e = table[slot]
                            if e < 0 {
                                let id = dict.count
                                table[slot] = Int32(id)
                                idx[i] = UInt32(id)
                                hashes.append(h)
                                dict.data.append(contentsOf: UnsafeRawBufferPointer(start: p, count: len))
                                dict.offsets.append(Int32(dict.data.count))
                                plainSize += len + perValueOverhead
                                if plainSize > maxBytes { return false }
                                if hashes.count * 2 > capacity {
                                    capacity *= 2
                                    mask = capacity - 1
                                    table = [Int32](repeating: -1, count: capacity)
                                    for (j, hh) in hashes.enumerated() {
                                        var t = Int(truncatingIfNeeded: hh >> 20) & mask
                                        while table[t] >= 0 { t = (t + 1) & mask }
                                        table[t] = Int32(j)
                                    }
                                }
                                break
                            }
                            let ei = Int(e)
                            if hashes[ei] == h {
                                let ds = Int(dict.offsets[ei]), dl = Int(dict.offsets[ei + 1]) - ds
                                if dl == len && (len == 0 || dict.data.withUnsafeBytes { memcmp($0.baseAddress! + ds, p, len) == 0 }) {
                                    idx[i] = UInt32(ei)
                                    break
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                        if i + 1 == sample && sample < n {
                            let projected = Double(plainSize) / Double(sample) * Double(n)
                            if dict.count > sample / 2 && projected > Double(maxBytes) { return false }
                        }
                    }
                    return true
                }
            }
        }
        guard ok else { return nil }
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
