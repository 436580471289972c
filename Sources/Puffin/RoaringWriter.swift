/// Encodes ascending values into the portable Roaring serialization, choosing for each
/// container of 2^16 values the smallest of the array, bitset and run forms.
struct RoaringWriter {
    /// Appends a 32-bit bitmap holding `values` (ascending, distinct, each below 2^32).
    static func appendBitmap(_ values: ArraySlice<UInt32>, to out: inout [UInt8]) {
        // Containers: (key, values) by the high 16 bits.
        var containers: [(key: UInt16, values: ArraySlice<UInt32>)] = []
        var start = values.startIndex
        while start < values.endIndex {
            let key = UInt16(values[start] >> 16)
            var end = start
            while end < values.endIndex, UInt16(values[end] >> 16) == key { end += 1 }
            containers.append((key, values[start..<end]))
            start = end
        }
        let runs = containers.map { runsOf($0.values) }
        let useRun = zip(containers, runs).map { c, r in
            2 + 4 * r.count < min(c.values.count <= 4096 ? 2 * c.values.count : 8192, 8192)
        }
        let anyRun = useRun.contains(true)
        if anyRun {
            appendUInt32(12347 | UInt32(containers.count - 1) << 16, to: &out)
            var flags = [UInt8](repeating: 0, count: (containers.count + 7) / 8)
            for (i, r) in useRun.enumerated() where r { flags[i / 8] |= 1 << (i % 8) }
            out += flags
        } else {
            appendUInt32(12346, to: &out)
            appendUInt32(UInt32(containers.count), to: &out)
        }
        for c in containers {
            appendUInt16(c.key, to: &out)
            appendUInt16(UInt16(c.values.count - 1), to: &out)
        }
        let sizes = containers.indices.map { i in
            useRun[i]
                ? 2 + 4 * runs[i].count : (containers[i].values.count <= 4096 ? 2 * containers[i].values.count : 8192)
        }
        if !anyRun || containers.count >= 4 {
            var offset = out.count + 4 * containers.count
            for s in sizes {
                appendUInt32(UInt32(offset), to: &out)
                offset += s
            }
        }
        for (i, c) in containers.enumerated() {
            if useRun[i] {
                appendUInt16(UInt16(runs[i].count), to: &out)
                for r in runs[i] {
                    appendUInt16(r.start, to: &out)
                    appendUInt16(r.lengthMinusOne, to: &out)
                }
            } else if c.values.count <= 4096 {
                for v in c.values { appendUInt16(UInt16(truncatingIfNeeded: v), to: &out) }
            } else {
                var words = [UInt64](repeating: 0, count: 1024)
                for v in c.values {
                    let low = Int(v & 0xFFFF)
                    words[low >> 6] |= 1 << UInt64(low & 63)
                }
                for w in words { for b in 0..<8 { out.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(b)))) } }
            }
        }
    }

    private static func runsOf(_ values: ArraySlice<UInt32>) -> [(start: UInt16, lengthMinusOne: UInt16)] {
        var runs: [(UInt16, UInt16)] = []
        var i = values.startIndex
        while i < values.endIndex {
            var j = i
            while j + 1 < values.endIndex, values[j + 1] == values[j] + 1 { j += 1 }
            runs.append((UInt16(truncatingIfNeeded: values[i]), UInt16(j - i)))
            i = j + 1
        }
        return runs
    }

    static func appendUInt16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        for b in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(b)))) }
    }
}
