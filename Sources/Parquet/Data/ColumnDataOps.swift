extension ColumnValues {
    /// Appends another buffer of the same physical type.
    mutating func append(_ other: ColumnValues) {
        switch (self, other) {
        case (.boolean(var a), .boolean(let b)):
            self = .int32([])
            a.append(contentsOf: b)
            self = .boolean(a)
        case (.int32(var a), .int32(let b)):
            self = .boolean([])
            a.append(contentsOf: b)
            self = .int32(a)
        case (.int64(var a), .int64(let b)):
            self = .boolean([])
            a.append(contentsOf: b)
            self = .int64(a)
        case (.float(var a), .float(let b)):
            self = .boolean([])
            a.append(contentsOf: b)
            self = .float(a)
        case (.double(var a), .double(let b)):
            self = .boolean([])
            a.append(contentsOf: b)
            self = .double(a)
        case (.int96(var a), .int96(let b)):
            self = .boolean([])
            a.data.append(contentsOf: b.data)
            self = .int96(a)
        case (.fixedLenByteArray(var a), .fixedLenByteArray(let b)):
            self = .boolean([])
            a.data.append(contentsOf: b.data)
            self = .fixedLenByteArray(a)
        case (.byteArray(var a), .byteArray(let b)):
            self = .boolean([])
            let base = Int32(a.data.count)
            a.data.append(contentsOf: b.data)
            a.offsets.reserveCapacity(a.offsets.count + b.count)
            for i in 1..<b.offsets.count { a.offsets.append(base &+ b.offsets[i]) }
            self = .byteArray(a)
        default:
            preconditionFailure("appending \(other.physicalType.name) values to \(physicalType.name)")
        }
    }

    /// The values in `range`, copied into new buffers (byte-array offsets rebased to 0).
    public func slice(_ range: Range<Int>) -> ColumnValues {
        switch self {
        case .boolean(let v): return .boolean(Array(v[range]))
        case .int32(let v): return .int32(Array(v[range]))
        case .int64(let v): return .int64(Array(v[range]))
        case .float(let v): return .float(Array(v[range]))
        case .double(let v): return .double(Array(v[range]))
        case .int96(let f):
            return .int96(
                FixedByteBuffer(
                    width: f.width, data: Array(f.data[range.lowerBound * f.width..<range.upperBound * f.width])))
        case .fixedLenByteArray(let f):
            return .fixedLenByteArray(
                FixedByteBuffer(
                    width: f.width, data: Array(f.data[range.lowerBound * f.width..<range.upperBound * f.width])))
        case .byteArray(let b):
            let s = b.offsets[range.lowerBound]
            let e = b.offsets[range.upperBound]
            let data = Array(b.data[Int(s)..<Int(e)])
            let offsets = b.offsets[range.lowerBound...range.upperBound].map { $0 - s }
            return .byteArray(ByteArrayBuffer(data: data, offsets: offsets))
        }
    }
}

extension ColumnData {
    /// The bytes the column takes plain-encoded, levels counted as a byte each (what a
    /// writer's buffer-size limits measure).
    package var estimatedPlainBytes: Int {
        PlainEncoder.encodedSize(values, range: 0..<values.count) + (definitionLevels?.count ?? 0)
            + (repetitionLevels?.count ?? 0)
    }

    /// The records (rows) in the order `order` lists them (any order, each at most once):
    /// every level entry and value of a chosen record moves with it.
    package func gatheringRows(_ order: [Int], maxDefinitionLevel: Int) -> ColumnData {
        let md = UInt8(truncatingIfNeeded: maxDefinitionLevel)
        guard let defs = definitionLevels else {
            return ColumnData(values: values.scattered(order))
        }
        guard let reps = repetitionLevels else {
            if !defs.contains(where: { $0 != md }) {
                // Optional but no nulls: one value per record, every level the maximum.
                return ColumnData(
                    values: values.scattered(order),
                    definitionLevels: order.count == defs.count ? defs : [UInt8](repeating: md, count: order.count))
            }
            // One level entry per record; values only where defined.
            var valueIndex = [Int32](repeating: -1, count: defs.count)
            var next: Int32 = 0
            for i in 0..<defs.count where defs[i] == md {
                valueIndex[i] = next
                next += 1
            }
            var newDefs = [UInt8](repeating: 0, count: order.count)
            var picked: [Int] = []
            picked.reserveCapacity(Int(next))
            for (k, r) in order.enumerated() {
                newDefs[k] = defs[r]
                if valueIndex[r] >= 0 { picked.append(Int(valueIndex[r])) }
            }
            return ColumnData(values: values.scattered(picked), definitionLevels: newDefs)
        }
        // Repeated: each record is a run of level entries starting at repetition level 0.
        var levelStart: [Int] = []
        var valueStart: [Int] = []
        var values = 0
        for i in 0..<reps.count {
            if reps[i] == 0 {
                levelStart.append(i)
                valueStart.append(values)
            }
            if defs[i] == md { values += 1 }
        }
        levelStart.append(reps.count)
        valueStart.append(values)
        var newDefs: [UInt8] = []
        var newReps: [UInt8] = []
        newDefs.reserveCapacity(defs.count)
        newReps.reserveCapacity(reps.count)
        var picked: [Int] = []
        picked.reserveCapacity(values)
        for r in order {
            newDefs.append(contentsOf: defs[levelStart[r]..<levelStart[r + 1]])
            newReps.append(contentsOf: reps[levelStart[r]..<levelStart[r + 1]])
            picked.append(contentsOf: valueStart[r]..<valueStart[r + 1])
        }
        return ColumnData(values: self.values.gathering(picked), definitionLevels: newDefs, repetitionLevels: newReps)
    }

    /// Appends another batch of the same column.
    package mutating func append(_ other: ColumnData) {
        values.append(other.values)
        if var d = definitionLevels, let o = other.definitionLevels {
            definitionLevels = nil
            d.append(contentsOf: o)
            definitionLevels = d
        }
        if var r = repetitionLevels, let o = other.repetitionLevels {
            repetitionLevels = nil
            r.append(contentsOf: o)
            repetitionLevels = r
        }
    }

    /// The records `rows` of this column (level and value ranges derived from the levels).
    public func slice(rows: Range<Int>, maxDefinitionLevel: Int) -> ColumnData {
        let levelRange: Range<Int>
        if let reps = repetitionLevels {
            var row = -1
            var start = reps.count
            var end = reps.count
            for (i, r) in reps.enumerated() where r == 0 {
                row += 1
                if row == rows.lowerBound { start = i }
                if row == rows.upperBound {
                    end = i
                    break
                }
            }
            levelRange = start..<end
        } else {
            levelRange = rows
        }
        let valueRange: Range<Int>
        if let defs = definitionLevels {
            let md = UInt8(maxDefinitionLevel)
            var before = 0
            for i in 0..<levelRange.lowerBound where defs[i] == md { before += 1 }
            var inside = 0
            for i in levelRange where defs[i] == md { inside += 1 }
            valueRange = before..<before + inside
        } else {
            valueRange = levelRange
        }
        return ColumnData(
            values: values.slice(valueRange),
            definitionLevels: definitionLevels.map { Array($0[levelRange]) },
            repetitionLevels: repetitionLevels.map { Array($0[levelRange]) })
    }
}

extension ColumnValues {
    /// The values at `indices` (any order), gathered into a new buffer. Consecutive indices
    /// are copied as one block, so dropping a few scattered rows costs little more than a copy.
    public func gathering(_ indices: [Int]) -> ColumnValues {
        switch self {
        case .boolean(let v): return .boolean(Self.gather(v, indices))
        case .int32(let v): return .int32(Self.gather(v, indices))
        case .int64(let v): return .int64(Self.gather(v, indices))
        case .float(let v): return .float(Self.gather(v, indices))
        case .double(let v): return .double(Self.gather(v, indices))
        case .int96(let f): return .int96(f.gathering(indices))
        case .fixedLenByteArray(let f): return .fixedLenByteArray(f.gathering(indices))
        case .byteArray(let b):
            var total = 0
            Self.forEachRun(indices) { start, count, _ in
                precondition(start >= 0 && start + count < b.offsets.count, "gather index out of range")
                total += Int(b.offsets[start + count] - b.offsets[start])
            }
            var offsets = [Int32](repeating: 0, count: indices.count + 1)
            let data = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                b.data.withUnsafeBufferPointer { src in
                    b.offsets.withUnsafeBufferPointer { o in
                        offsets.withUnsafeMutableBufferPointer { newOffsets in
                            var at = 0
                            Self.forEachRun(indices) { start, count, position in
                                let from = Int(o[start])
                                let n = Int(o[start + count]) - from
                                if n > 0 { (out.baseAddress! + at).initialize(from: src.baseAddress! + from, count: n) }
                                let shift = Int32(truncatingIfNeeded: at) &- o[start]
                                for k in 0..<count { newOffsets[position + k + 1] = o[start + k + 1] &+ shift }
                                at += n
                            }
                        }
                    }
                }
                initialized = total
            }
            return .byteArray(ByteArrayBuffer(data: data, offsets: offsets))
        }
    }

    /// The values at `indices` in any order, one at a time (no search for runs: for
    /// permutations, where runs are rare).
    package func scattered(_ indices: [Int]) -> ColumnValues {
        func pick<T>(_ v: [T]) -> [T] {
            [T](unsafeUninitializedCapacity: indices.count) { out, n in
                v.withUnsafeBufferPointer { src in
                    indices.withUnsafeBufferPointer { idx in
                        for i in 0..<idx.count { (out.baseAddress! + i).initialize(to: src[idx[i]]) }
                    }
                }
                n = indices.count
            }
        }
        switch self {
        case .boolean(let v): return .boolean(pick(v))
        case .int32(let v): return .int32(pick(v))
        case .int64(let v): return .int64(pick(v))
        case .float(let v): return .float(pick(v))
        case .double(let v): return .double(pick(v))
        case .int96, .fixedLenByteArray: return gathering(indices)
        case .byteArray(let b):
            var offsets = [Int32](repeating: 0, count: indices.count + 1)
            var total = 0
            b.offsets.withUnsafeBufferPointer { o in
                indices.withUnsafeBufferPointer { idx in
                    for i in 0..<idx.count {
                        total += Int(o[idx[i] + 1] &- o[idx[i]])
                        offsets[i + 1] = Int32(truncatingIfNeeded: total)
                    }
                }
            }
            let data = [UInt8](unsafeUninitializedCapacity: total) { out, n in
                b.data.withUnsafeBufferPointer { src in
                    b.offsets.withUnsafeBufferPointer { o in
                        indices.withUnsafeBufferPointer { idx in
                            var at = 0
                            for i in 0..<idx.count {
                                let from = Int(o[idx[i]])
                                let count = Int(o[idx[i] + 1]) - from
                                for k in 0..<count { (out.baseAddress! + at + k).initialize(to: src[from + k]) }
                                at += count
                            }
                        }
                    }
                }
                n = total
            }
            return .byteArray(ByteArrayBuffer(data: data, offsets: offsets))
        }
    }

    /// Calls `body(start, count, position)` for each run of consecutive indices: `count` values
    /// from `start`, landing at `position` in the gathered output.
    @inline(__always)
    static func forEachRun(_ indices: [Int], _ body: (Int, Int, Int) -> Void) {
        indices.withUnsafeBufferPointer { idx in
            var k = 0
            while k < idx.count {
                var end = k + 1
                while end < idx.count && idx[end] == idx[end - 1] + 1 { end += 1 }
                body(idx[k], end - k, k)
                k = end
            }
        }
    }

    static func gather<T>(_ values: [T], _ indices: [Int]) -> [T] {
        [T](unsafeUninitializedCapacity: indices.count) { out, initialized in
            values.withUnsafeBufferPointer { src in
                forEachRun(indices) { start, count, position in
                    precondition(start >= 0 && start + count <= src.count, "gather index out of range")
                    (out.baseAddress! + position).initialize(from: src.baseAddress! + start, count: count)
                }
            }
            initialized = indices.count
        }
    }
}

extension FixedByteBuffer {
    func gathering(_ indices: [Int]) -> FixedByteBuffer {
        var data: [UInt8] = []
        data.reserveCapacity(indices.count * width)
        for i in indices { data.append(contentsOf: self.data[i * width..<(i + 1) * width]) }
        return FixedByteBuffer(width: width, data: data)
    }
}

extension ColumnData {
    /// The records (rows) whose entry in `keep` is true; `keep` has one entry per record.
    /// Nested columns keep every level entry of a chosen record.
    public func selecting(rows keep: [Bool], maxDefinitionLevel: Int) -> ColumnData {
        let md = UInt8(truncatingIfNeeded: maxDefinitionLevel)
        var indices: [Int] = []
        indices.reserveCapacity(keep.count)
        guard let levels = definitionLevels else {
            // One value per record.
            keep.withUnsafeBufferPointer { k in
                for i in 0..<k.count where k[i] { indices.append(i) }
            }
            return ColumnData(values: values.gathering(indices))
        }
        var defs: [UInt8] = []
        guard let repetitions = repetitionLevels else {
            // Flat optional: one level entry per record.
            let n = min(levels.count, keep.count)
            var valueCount = 0
            defs = [UInt8](unsafeUninitializedCapacity: n) { outDefs, defCount in
                indices = [Int](unsafeUninitializedCapacity: n) { outIndices, indexCount in
                    levels.withUnsafeBufferPointer { d in
                        keep.withUnsafeBufferPointer { k in
                            var kept = 0
                            var chosen = 0
                            for i in 0..<n {
                                let level = d[i]
                                let present = level == md
                                if k[i] {
                                    outDefs[kept] = level
                                    kept += 1
                                    if present {
                                        outIndices[chosen] = valueCount
                                        chosen += 1
                                    }
                                }
                                if present { valueCount += 1 }
                            }
                            defCount = kept
                            indexCount = chosen
                        }
                    }
                }
            }
            return ColumnData(values: values.gathering(indices), definitionLevels: defs)
        }
        var reps: [UInt8] = []
        var row = -1
        var valueIndex = 0
        for level in 0..<levels.count {
            if repetitions[level] == 0 { row += 1 }
            let present = levels[level] == md
            if row < keep.count, keep[row] {
                defs.append(levels[level])
                reps.append(repetitions[level])
                if present { indices.append(valueIndex) }
            }
            if present { valueIndex += 1 }
        }
        return ColumnData(values: values.gathering(indices), definitionLevels: defs, repetitionLevels: reps)
    }
}
