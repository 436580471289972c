/// A value of one field of an assembled record.
public indirect enum ParquetValue: Sendable, Hashable {
    /// Absent or null.
    case null
    /// BOOLEAN.
    case boolean(Bool)
    /// INT32 (any INT32-backed logical type).
    case int32(Int32)
    /// INT64 (any INT64-backed logical type).
    case int64(Int64)
    /// FLOAT.
    case float(Float)
    /// DOUBLE.
    case double(Double)
    /// BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY or INT96 bytes.
    case bytes([UInt8])
    /// A list.
    case list([ParquetValue])
    /// A map as parallel key and value arrays.
    case map(keys: [ParquetValue], values: [ParquetValue])
    /// A struct: values in the order of the shape's fields.
    case record([ParquetValue])
}

/// How a schema subtree is read back as values: structs, lists and maps, with the
/// backward-compatibility rules for legacy list and map layouts.
public indirect enum RecordShape: Sendable {
    /// A primitive column (index into the projected columns).
    case leaf(column: Int, node: SchemaNode)
    /// A struct with named fields.
    case group(node: SchemaNode, fields: [(name: String, shape: RecordShape)])
    /// A list: `node` is the outer field; `repeated` is the repeated node.
    case list(node: SchemaNode, repeated: SchemaNode, element: RecordShape)
    /// A map: `node` is the outer field; `repeated` the key/value group.
    case map(node: SchemaNode, repeated: SchemaNode, key: RecordShape, value: RecordShape?)

    var firstColumn: Int {
        switch self {
        case .leaf(let c, _): return c
        case .group(_, let f): return f[0].shape.firstColumn
        case .list(_, _, let e): return e.firstColumn
        case .map(_, _, let k, _): return k.firstColumn
        }
    }

    func columns(into out: inout [Int]) {
        switch self {
        case .leaf(let c, _): out.append(c)
        case .group(_, let f): for x in f { x.shape.columns(into: &out) }
        case .list(_, _, let e): e.columns(into: &out)
        case .map(_, _, let k, let v):
            k.columns(into: &out)
            v?.columns(into: &out)
        }
    }

    /// The schema node this shape reads.
    public var node: SchemaNode {
        switch self {
        case .leaf(_, let n), .group(let n, _), .list(let n, _, _), .map(let n, _, _, _): return n
        }
    }
}

/// Rebuilds records (rows) from leaf columns in Dremel form.
public struct RecordAssembler: Sendable {
    /// The top-level fields of each record.
    public let fields: [(name: String, shape: RecordShape)]
    /// The schema leaf index of each projected column, in the order columns must be supplied.
    public let columnIndices: [Int]

    /// Plans assembly for the schema, restricted to the selected leaf indices (nil: all).
    /// Maps are always read whole.
    public init(schema: ParquetSchema, selecting selected: Set<Int>? = nil) throws {
        var chosen = selected ?? Set(schema.columns.indices)
        // Expand selections inside maps to the whole map so keys and values stay paired.
        func expandMaps(_ n: SchemaNode) {
            if Self.isMap(n), !chosen.isDisjoint(with: n.leafRange) {
                chosen.formUnion(n.leafRange)
                return
            }
            for c in n.children { expandMaps(c) }
        }
        expandMaps(schema.root)
        let order = chosen.sorted()
        var position: [Int: Int] = [:]
        for (i, c) in order.enumerated() { position[c] = i }
        columnIndices = order

        func shape(_ n: SchemaNode, asElement: Bool, depth: Int) throws -> RecordShape? {
            guard depth < 128 else { throw ParquetError.invalidSchema("schema nests too deeply") }
            guard !chosen.isDisjoint(with: n.leafRange) else { return nil }
            if n.repetition == .repeated && !asElement {
                // A bare repeated field is a list of required elements.
                guard let e = try shape(n, asElement: true, depth: depth + 1) else { return nil }
                return .list(node: n, repeated: n, element: e)
            }
            if n.isLeaf { return .leaf(column: position[n.leafRange.lowerBound]!, node: n) }
            if Self.isList(n), n.children.count == 1, n.children[0].repetition == .repeated {
                let r = n.children[0]
                let elementNode: SchemaNode
                if r.isLeaf || r.children.count > 1 || r.name == "array" || r.name == "\(n.name)_tuple" {
                    elementNode = r
                    guard let e = try shape(elementNode, asElement: true, depth: depth + 1) else { return nil }
                    return .list(node: n, repeated: r, element: e)
                }
                elementNode = r.children[0]
                guard let e = try shape(elementNode, asElement: false, depth: depth + 1) else { return nil }
                if case .list(let inner, let rr, _) = e, inner.path == elementNode.path, rr.path == elementNode.path {
                    // The element itself is repeated: treat as a bare list element.
                }
                return .list(node: n, repeated: r, element: e)
            }
            if Self.isMap(n), n.children.count == 1, n.children[0].repetition == .repeated, !n.children[0].isLeaf {
                let r = n.children[0]
                guard let keyNode = r.children.first else {
                    throw ParquetError.invalidSchema("map '\(n.path.joined(separator: "."))' has no key")
                }
                guard let k = try shape(keyNode, asElement: false, depth: depth + 1) else { return nil }
                // A map without a value column reads as the list of its keys, as pyarrow reads it.
                guard r.children.count > 1 else { return .list(node: n, repeated: r, element: k) }
                let v = try shape(r.children[1], asElement: false, depth: depth + 1)
                return .map(node: n, repeated: r, key: k, value: v)
            }
            var fields: [(String, RecordShape)] = []
            for c in n.children {
                if let s = try shape(c, asElement: false, depth: depth + 1) { fields.append((c.name, s)) }
            }
            return fields.isEmpty ? nil : .group(node: n, fields: fields)
        }
        var top: [(name: String, shape: RecordShape)] = []
        for c in schema.root.children {
            if let s = try shape(c, asElement: false, depth: 1) { top.append((c.name, s)) }
        }
        fields = top
    }

    static func isList(_ n: SchemaNode) -> Bool {
        if case .list? = n.element.logicalType { return true }
        return n.element.convertedType == .list
    }

    static func isMap(_ n: SchemaNode) -> Bool {
        if case .map? = n.element.logicalType { return true }
        return n.element.convertedType == .map || n.element.convertedType == .mapKeyValue
    }

    /// Assembles all records from the projected columns (in `columnIndices` order).
    public func assemble(_ columns: [ColumnData]) throws -> [[ParquetValue]] {
        guard columns.count == columnIndices.count else {
            throw ParquetError.invalidData(
                column: "*", detail: "expected \(columnIndices.count) columns, got \(columns.count)")
        }
        guard !fields.isEmpty else { return [] }
        var cursors = columns.map { LeafCursor(data: $0) }
        let first = fields[0].shape.firstColumn
        var rows: [[ParquetValue]] = []
        while cursors[first].level < cursors[first].levelCount {
            var row: [ParquetValue] = []
            row.reserveCapacity(fields.count)
            for f in fields { row.append(try read(f.shape, &cursors)) }
            rows.append(row)
        }
        for (i, c) in cursors.enumerated() where c.level != c.levelCount {
            throw ParquetError.malformedFile(
                "column \(columnIndices[i]) has \(c.levelCount - c.level) level entries left after the last record")
        }
        return rows
    }

    private func peekDef(_ shape: RecordShape, _ cursors: inout [LeafCursor]) throws -> Int {
        let c = shape.firstColumn
        guard cursors[c].level < cursors[c].levelCount else {
            throw ParquetError.malformedFile("column \(columnIndices[c]) ended early while assembling records")
        }
        return cursors[c].definitionLevel
    }

    private func skipAll(_ shape: RecordShape, _ cursors: inout [LeafCursor]) throws {
        var cols: [Int] = []
        shape.columns(into: &cols)
        for c in cols {
            guard cursors[c].level < cursors[c].levelCount else {
                throw ParquetError.malformedFile("column \(columnIndices[c]) ended early while assembling records")
            }
            cursors[c].level += 1
        }
    }

    private func read(_ shape: RecordShape, _ cursors: inout [LeafCursor]) throws -> ParquetValue {
        let def = try peekDef(shape, &cursors)
        switch shape {
        case .leaf(let c, let node):
            if def < node.definitionLevel {
                cursors[c].level += 1
                return .null
            }
            return try cursors[c].takeValue(column: columnIndices[c])
        case .group(let node, let fields):
            if def < node.definitionLevel {
                try skipAll(shape, &cursors)
                return .null
            }
            var values: [ParquetValue] = []
            values.reserveCapacity(fields.count)
            for f in fields { values.append(try read(f.shape, &cursors)) }
            return .record(values)
        case .list(let node, let repeated, let element):
            if node.path != repeated.path && def < node.definitionLevel {
                try skipAll(shape, &cursors)
                return .null
            }
            if def < repeated.definitionLevel {
                try skipAll(shape, &cursors)
                return .list([])
            }
            var items: [ParquetValue] = []
            let first = shape.firstColumn
            repeat {
                items.append(try read(element, &cursors))
            } while cursors[first].level < cursors[first].levelCount
                && cursors[first].repetitionLevel >= repeated.repetitionLevel
            return .list(items)
        case .map(let node, let repeated, let key, let value):
            if def < node.definitionLevel {
                try skipAll(shape, &cursors)
                return .null
            }
            if def < repeated.definitionLevel {
                try skipAll(shape, &cursors)
                return .map(keys: [], values: [])
            }
            var keys: [ParquetValue] = []
            var values: [ParquetValue] = []
            let first = shape.firstColumn
            repeat {
                keys.append(try read(key, &cursors))
                values.append(try value.map { try read($0, &cursors) } ?? .null)
            } while cursors[first].level < cursors[first].levelCount
                && cursors[first].repetitionLevel >= repeated.repetitionLevel
            return .map(keys: keys, values: values)
        }
    }
}

/// Position within one leaf column during assembly.
struct LeafCursor {
    let data: ColumnData
    var level = 0
    var value = 0
    let levelCount: Int

    init(data: ColumnData) {
        self.data = data
        levelCount = data.levelCount
    }

    var definitionLevel: Int { data.definitionLevels.map { Int($0[level]) } ?? Int.max }
    var repetitionLevel: Int { data.repetitionLevels.map { Int($0[level]) } ?? 0 }

    mutating func takeValue(column: Int) throws -> ParquetValue {
        guard value < data.values.count else {
            throw ParquetError.malformedFile("column \(column) has fewer values than its definition levels say")
        }
        let i = value
        value += 1
        level += 1
        switch data.values {
        case .boolean(let v): return .boolean(v[i])
        case .int32(let v): return .int32(v[i])
        case .int64(let v): return .int64(v[i])
        case .float(let v): return .float(v[i])
        case .double(let v): return .double(v[i])
        case .byteArray(let b): return .bytes(Array(b[i]))
        case .fixedLenByteArray(let f), .int96(let f): return .bytes(Array(f[i]))
        }
    }
}
