import Parquet

extension ColumnData {
    /// For each level slot, the index of its value (-1 for nulls); nil when every slot has one.
    func valueIndexes(maxDefinitionLevel: Int) -> [Int32]? {
        guard let defs = definitionLevels else { return nil }
        let md = UInt8(maxDefinitionLevel)
        if !defs.contains(where: { $0 != md }) { return nil }
        var out = [Int32](repeating: -1, count: defs.count)
        var next: Int32 = 0
        for i in 0..<defs.count where defs[i] == md { out[i] = next; next += 1 }
        return out
    }

    /// The rows `rows` (ascending) of a flat column, given its `valueIndexes`.
    func gatherFlat(_ rows: [Int], valueIndexes: [Int32]?) -> ColumnData {
        guard let defs = definitionLevels else { return ColumnData(values: values.gather(rows)) }
        let newDefs = rows.map { defs[$0] }
        guard let vi = valueIndexes else { return ColumnData(values: values.gather(rows), definitionLevels: newDefs) }
        var picked: [Int] = []
        picked.reserveCapacity(rows.count)
        for r in rows where vi[r] >= 0 { picked.append(Int(vi[r])) }
        return ColumnData(values: values.gather(picked), definitionLevels: newDefs)
    }
}

extension ColumnValues {
    /// The values at `indices`.
    func gather(_ indices: [Int]) -> ColumnValues {
        func pick<T>(_ a: [T]) -> [T] { indices.map { a[$0] } }
        switch self {
        case .boolean(let v): return .boolean(pick(v))
        case .int32(let v): return .int32(pick(v))
        case .int64(let v): return .int64(pick(v))
        case .float(let v): return .float(pick(v))
        case .double(let v): return .double(pick(v))
        case .int96(let f), .fixedLenByteArray(let f):
            var out = FixedByteBuffer(width: f.width)
            out.data.reserveCapacity(indices.count * f.width)
            for i in indices { out.data.append(contentsOf: f.data[i * f.width..<(i + 1) * f.width]) }
            if case .int96 = self { return .int96(out) }
            return .fixedLenByteArray(out)
        case .byteArray(let b):
            var out = ByteArrayBuffer(capacity: indices.count)
            var total = 0
            for i in indices { total += Int(b.offsets[i + 1] - b.offsets[i]) }
            out.data.reserveCapacity(total)
            b.data.withUnsafeBufferPointer { d in
                for i in indices { out.append(UnsafeBufferPointer(rebasing: d[Int(b.offsets[i])..<Int(b.offsets[i + 1])])) }
            }
            return .byteArray(out)
        }
    }

    /// The value at `i` as an Iceberg literal of `type` (flat columns).
    func literal(at i: Int, _ type: IcebergType) -> Literal? {
        switch self {
        case .boolean(let v): return .boolean(v[i])
        case .int32(let v):
            if case .decimal = type { return .decimal(Int128(v[i])) }
            if type == .long { return .long(Int64(v[i])) }
            return .int(v[i])
        case .int64(let v):
            if case .decimal = type { return .decimal(Int128(v[i])) }
            return .long(v[i])
        case .float(let v): return .float(v[i])
        case .double(let v): return .double(v[i])
        case .byteArray(let b):
            if type == .string { return .string(b.string(at: i)) }
            return .bytes(Array(b[i]))
        case .fixedLenByteArray(let f), .int96(let f):
            if case .decimal = type { return DecimalValues.unscaled(fromBigEndian: f[i]).map { .decimal($0) } }
            return .bytes(Array(f[i]))
        }
    }
}

extension TableWriter {
    /// Transformed partition values of every row of a flat column.
    static func partitionValues(_ values: ColumnValues, valueIndexes vi: [Int32]?, rows: Int, type: IcebergType, transform: Transform) -> [Literal?] {
        var out = [Literal?](repeating: nil, count: rows)
        func fill(_ literal: (Int) -> Literal?) {
            for r in 0..<rows {
                let v = vi.map { Int($0[r]) } ?? r
                if v >= 0 { out[r] = transform.apply(literal(v), source: type) }
            }
        }
        switch values {
        case .int64(let a):
            if case .decimal = type { fill { .decimal(Int128(a[$0])) } } else { fill { .long(a[$0]) } }
        case .int32(let a):
            if case .decimal = type { fill { .decimal(Int128(a[$0])) } }
            else if type == .long { fill { .long(Int64(a[$0])) } } else { fill { .int(a[$0]) } }
        default:
            fill { values.literal(at: $0, type) }
        }
        return out
    }

    /// The columnar fast path for flat schemas (no lists or maps): `columns` holds one
    /// `ColumnData` per top-level field, in schema order, in Parquet form (the layout of
    /// `schema.parquetSchema()`). Rows are grouped by partition with one pass over the
    /// partition source columns, then each group is written as whole columns.
    public mutating func append(columns: [ColumnData]) async throws {
        let parquet = try schema.parquetSchema()
        guard parquet.columns.allSatisfy({ $0.maxRepetitionLevel == 0 }), parquet.columns.count == schema.fields.count else {
            throw IcebergError.invalidValue(row: nil, field: "", detail: "the columnar append needs a flat schema (one column per top-level primitive field)")
        }
        guard columns.count == parquet.columns.count else {
            throw IcebergError.invalidValue(row: nil, field: "", detail: "expected \(parquet.columns.count) columns, got \(columns.count)")
        }
        let rowCount = columns.first?.levelCount ?? 0
        if spec.fields.isEmpty {
            try await appendGroup(key: [], columns: columns, rows: rowCount)
            return
        }
        // Partition values per source column, one typed pass each.
        var perSource: [[Literal?]] = []
        for f in spec.fields {
            guard let i = schema.fields.firstIndex(where: { $0.id == f.sourceId }) else {
                throw IcebergError.invalidSchema("partition source \(f.sourceId) must be a top-level column for the columnar append")
            }
            let c = columns[i]
            let type = schema.fields[i].type
            let vi = c.valueIndexes(maxDefinitionLevel: parquet.columns[i].maxDefinitionLevel)
            perSource.append(Self.partitionValues(c.values, valueIndexes: vi, rows: rowCount, type: type, transform: f.transform))
        }
        var groups: [[Literal?]: [Int]] = [:]
        var order: [[Literal?]] = []
        if perSource.count == 1 {
            var single: [Literal?: [Int]] = [:]
            var singleOrder: [Literal?] = []
            let values = perSource[0]
            for r in 0..<rowCount {
                let k = values[r]
                if single[k] == nil { singleOrder.append(k); single[k] = [r] } else { single[k]!.append(r) }
            }
            for k in singleOrder { order.append([k]); groups[[k]] = single[k] }
        } else {
            for r in 0..<rowCount {
                let key = perSource.map { $0[r] }
                if groups[key] == nil { order.append(key); groups[key] = [r] } else { groups[key]!.append(r) }
            }
        }
        let indexes = columns.enumerated().map { i, c in c.valueIndexes(maxDefinitionLevel: parquet.columns[i].maxDefinitionLevel) }
        for k in order {
            let rows = groups[k]!
            let subset = columns.enumerated().map { i, c in rows.count == rowCount ? c : c.gatherFlat(rows, valueIndexes: indexes[i]) }
            try await appendGroup(key: k, columns: subset, rows: rows.count)
        }
    }
}
