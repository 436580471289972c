import JSONSupport
import Parquet

/// Rows of a scan in columnar form: the Parquet leaf columns (Dremel form) of one row group
/// of one data file, projected onto the scan's schema, with deleted and filtered rows removed.
///
/// Primitive columns are read without materialising rows (`column(_:)`); `jsonRows()`
/// assembles rows in the CLI's JSON value convention.
public struct ColumnBatch: Sendable {
    /// The schema of the rows (the scan's projection).
    public let schema: Schema
    /// Number of rows.
    public let rowCount: Int
    /// The file's leaf columns for the projection, in the layout's column order.
    public let leaves: [ColumnData]
    let layout: FileLayout
    /// Top-level columns the reader computed rather than read (row lineage), by field id; each
    /// optional with one value per row (max definition level 1).
    let computed: [Int: ColumnData]

    init(layout: FileLayout, rowCount: Int, leaves: [ColumnData], computed: [Int: ColumnData] = [:]) {
        self.layout = layout
        self.schema = layout.schema
        self.rowCount = rowCount
        self.leaves = leaves
        self.computed = computed
    }

    /// Rows in the JSON value convention as one batch of `schema`'s columns; `rowNumbers`
    /// name the rows in errors (1, 2, … by default).
    static func shredding(_ rows: [JSONValue], schema: Schema, rowNumbers: [Int]? = nil) throws -> ColumnBatch {
        var shredder = try JSONRowShredder(schema: schema)
        for (i, row) in rows.enumerated() { try shredder.append(row, rowNumber: rowNumbers?[i] ?? i + 1) }
        return ColumnBatch(
            layout: try FileLayout(file: shredder.parquetSchema, schema: schema), rowCount: rows.count,
            leaves: shredder.takeColumns())
    }

    /// The batch with computed columns set (replacing what was read for those ids).
    func computing(_ columns: [Int: ColumnData]) -> ColumnBatch {
        ColumnBatch(
            layout: layout, rowCount: rowCount, leaves: leaves, computed: computed.merging(columns) { $1 })
    }

    /// The primitive column at a dotted path of struct field names (`price`, `address.city`);
    /// nil for unknown, nested-type or repeated columns.
    public func column(_ path: String) -> PrimitiveColumn? {
        schema.field(at: path).flatMap { column(id: $0.id) }
    }

    /// The primitive column with a field id, if it is outside any list or map.
    public func column(id: Int) -> PrimitiveColumn? {
        guard let field = layout.fieldsById[id], field.type.isPrimitive else { return nil }
        if let data = computed[id] {
            return PrimitiveColumn(field: field, rowCount: rowCount, data: data, maxDefinitionLevel: 1)
        }
        guard let position = layout.nodes[id] else {
            return PrimitiveColumn(field: field, rowCount: rowCount, data: nil, maxDefinitionLevel: 0)
        }
        guard position.isLeaf else { return nil }
        return PrimitiveColumn(
            field: field, rowCount: rowCount, data: leaves[position.leaf], maxDefinitionLevel: position.definitionLevel)
    }

    /// The rows whose entry in `keep` is true (one entry per row).
    public func selecting(rows keep: [Bool]) -> ColumnBatch {
        let kept = keptCount(keep)
        if kept == rowCount { return self }
        let columns = leaves.enumerated().map { i, leaf in
            leaf.selecting(rows: keep, maxDefinitionLevel: layout.maxDefinitionLevels[i])
        }
        return ColumnBatch(
            layout: layout, rowCount: kept, leaves: columns,
            computed: computed.mapValues { $0.selecting(rows: keep, maxDefinitionLevel: 1) })
    }

    /// `selecting(rows:)` with the columns gathered in parallel child tasks.
    public func selectingConcurrently(rows keep: [Bool]) async -> ColumnBatch {
        let kept = keptCount(keep)
        if kept == rowCount || leaves.count < 2 { return selecting(rows: keep) }
        let levels = layout.maxDefinitionLevels
        let columns = await withTaskGroup(of: (Int, ColumnData).self) { group in
            for (i, leaf) in leaves.enumerated() {
                group.addTask { (i, leaf.selecting(rows: keep, maxDefinitionLevel: levels[i])) }
            }
            var out = leaves
            for await (i, data) in group { out[i] = data }
            return out
        }
        return ColumnBatch(
            layout: layout, rowCount: kept, leaves: columns,
            computed: computed.mapValues { $0.selecting(rows: keep, maxDefinitionLevel: 1) })
    }

    private func keptCount(_ keep: [Bool]) -> Int {
        precondition(keep.count == rowCount, "selection of \(keep.count) rows for a batch of \(rowCount)")
        var kept = 0
        for k in keep where k { kept += 1 }
        return kept
    }

    /// The batch narrowed to a projection (a schema whose fields are a subset of this one's).
    func projected(onto narrower: FileLayout) -> ColumnBatch {
        guard narrower !== layout else { return self }
        var byLeaf: [Int: Int] = [:]
        for (i, c) in layout.columnIndices.enumerated() { byLeaf[c] = i }
        return ColumnBatch(
            layout: narrower, rowCount: rowCount, leaves: narrower.columnIndices.map { leaves[byLeaf[$0]!] },
            computed: computed.filter { narrower.fieldsById[$0.key] != nil })
    }

    /// The rows as JSON objects keyed by field name (temporal values as ISO-8601 text, decimals
    /// as strings, binary as hex, maps as `{"keys": […], "values": […]}`).
    public func jsonRows() throws -> [JSONValue] {
        let fields = schema.fields
        var lineage: [Int: [JSONValue]] = [:]
        for (id, _) in computed {
            guard let c = column(id: id) else { continue }
            lineage[id] = c.literals().map { $0.map { JSONValue.int($0.exactInt64 ?? 0) } ?? .null }
        }
        func value(_ f: NestedField, row: Int, record: [ParquetValue]?, assembler: RecordAssembler?) -> JSONValue {
            if let values = lineage[f.id] { return values[row] }
            guard let record, let assembler, let i = layout.topLevelPositions[f.id] else {
                return f.initialDefault ?? .null
            }
            return AssembledValueJSON.convert(record[i], assembler.fields[i].shape, f.type)
        }
        guard let assembler = layout.assembler else {
            return (0..<rowCount).map { row in
                .object(fields.map { ($0.name, value($0, row: row, record: nil, assembler: nil)) })
            }
        }
        var out: [JSONValue] = []
        out.reserveCapacity(rowCount)
        for (row, record) in try assembler.assemble(leaves).enumerated() {
            out.append(.object(fields.map { ($0.name, value($0, row: row, record: record, assembler: assembler)) }))
        }
        return out
    }
}

/// One primitive column of a batch: the field, and its values in Dremel form.
public struct PrimitiveColumn: Sendable {
    /// The field.
    public let field: NestedField
    /// Number of rows.
    public let rowCount: Int
    /// The values and definition levels (a value is present where the level equals
    /// `maxDefinitionLevel`); nil when the data file predates the column, so every row holds
    /// the field's initial default (or null).
    public let data: ColumnData?
    /// The definition level of a present value.
    public let maxDefinitionLevel: Int

    /// Whether each row holds a value.
    public func validity() -> [Bool] {
        guard let data else { return Array(repeating: field.initialDefault != nil, count: rowCount) }
        guard let defs = data.definitionLevels else { return Array(repeating: true, count: rowCount) }
        let md = UInt8(truncatingIfNeeded: maxDefinitionLevel)
        return defs.map { $0 == md }
    }

    /// Each row's value as a literal of the field's type (nil for null). Allocates per value;
    /// `data` is the fast path.
    public func literals() -> [Literal?] {
        guard let data else {
            let d = field.initialDefault.flatMap { try? Literal.from(json: $0, type: field.type) }
            return Array(repeating: d, count: rowCount)
        }
        var out: [Literal?] = []
        out.reserveCapacity(rowCount)
        var valueIndex = 0
        let md = UInt8(truncatingIfNeeded: maxDefinitionLevel)
        for row in 0..<rowCount {
            if let defs = data.definitionLevels, defs[row] != md {
                out.append(nil)
                continue
            }
            out.append(Self.literal(data.values, valueIndex, field.type))
            valueIndex += 1
        }
        return out
    }

    /// The literal of one stored value, converting the file's physical type to the field's type
    /// (promoted int → long and float → double, decimals of any width, INT96 timestamps).
    static func literal(_ values: ColumnValues, _ i: Int, _ type: IcebergType) -> Literal? {
        switch (values, type) {
        case (.boolean(let v), _): return .boolean(v[i])
        case (.int32(let v), .long): return .long(Int64(v[i]))
        case (.int32(let v), .decimal): return .decimal(Int128(v[i]))
        case (.int32(let v), _): return .int(v[i])
        case (.int64(let v), .decimal): return .decimal(Int128(v[i]))
        case (.int64(let v), _): return .long(v[i])
        case (.float(let v), .double): return .double(Double(v[i]))
        case (.float(let v), _): return .float(v[i])
        case (.double(let v), _): return .double(v[i])
        case (.byteArray(let b), .string): return .string(b.string(at: i))
        case (.byteArray(let b), .decimal):
            return DecimalValues.unscaled(fromBigEndian: Array(b[i])).map { .decimal($0) }
        case (.byteArray(let b), _): return .bytes(Array(b[i]))
        case (.fixedLenByteArray(let f), .decimal):
            return DecimalValues.unscaled(fromBigEndian: Array(f[i])).map { .decimal($0) }
        case (.fixedLenByteArray(let f), _): return .bytes(Array(f[i]))
        case (.int96(let f), _):
            let nanos = Int96Timestamp.nanosSinceEpoch(f[i])
            return .long(type == .timestampNs || type == .timestamptzNs ? nanos : Transform.floorDiv(nanos, 1000))
        }
    }
}

/// How one data file's columns map onto a scan schema; shared by the batches read from it.
final class FileLayout: Sendable {
    /// Where a field (outside lists and maps) is found among the layout's leaves.
    struct NodePosition: Sendable {
        /// Index into the batch's leaves of the field's first projected leaf.
        var leaf: Int
        /// The definition level at which the field is present.
        var definitionLevel: Int
        /// Whether the field is a primitive leaf.
        var isLeaf: Bool
    }

    let schema: Schema
    /// The data file's Parquet schema (with the field ids the reader assigned).
    let file: ParquetSchema
    let assembler: RecordAssembler?
    /// File leaf indices, in the order batches hold them.
    let columnIndices: [Int]
    /// Max definition level of each leaf, in batch order.
    let maxDefinitionLevels: [Int]
    /// Top-level field id → index among the assembler's fields.
    let topLevelPositions: [Int: Int]
    /// Field id (outside lists and maps) → its position among the leaves.
    let nodes: [Int: NodePosition]
    /// Every struct-reachable field of the schema by id.
    let fieldsById: [Int: NestedField]

    init(file: ParquetSchema, schema: Schema) throws {
        self.schema = schema
        self.file = file
        var selected = Set<Int>()
        func select(_ fields: [NestedField], _ nodes: [SchemaNode]) {
            for f in fields {
                guard let n = nodes.first(where: { $0.element.fieldId.map(Int.init) == f.id }) else { continue }
                if case .struct(let st) = f.type, !n.isLeaf {
                    select(st.fields, n.children)
                } else {
                    selected.formUnion(n.leafRange)
                }
            }
        }
        select(schema.fields, file.root.children)
        var byId: [Int: NestedField] = [:]
        func index(_ fields: [NestedField]) {
            for f in fields {
                byId[f.id] = f
                if case .struct(let st) = f.type { index(st.fields) }
            }
        }
        index(schema.fields)
        fieldsById = byId
        guard !selected.isEmpty else {
            assembler = nil
            columnIndices = []
            maxDefinitionLevels = []
            topLevelPositions = [:]
            nodes = [:]
            return
        }
        let assembler = try RecordAssembler(schema: file, selecting: selected)
        self.assembler = assembler
        columnIndices = assembler.columnIndices
        maxDefinitionLevels = assembler.columnIndices.map { file.columns[$0].maxDefinitionLevel }
        var top: [Int: Int] = [:]
        for (i, f) in assembler.fields.enumerated() { if let id = f.shape.node.element.fieldId { top[Int(id)] = i } }
        topLevelPositions = top
        var position: [Int: Int] = [:]
        for (i, c) in assembler.columnIndices.enumerated() { position[c] = i }
        var found: [Int: NodePosition] = [:]
        func walk(_ n: SchemaNode) {
            guard n.repetitionLevel == 0 else { return }
            if let id = n.element.fieldId.map(Int.init), byId[id] != nil,
                let first = n.leafRange.lazy.compactMap({ position[$0] }).first
            {
                found[id] = NodePosition(leaf: first, definitionLevel: n.definitionLevel, isLeaf: n.isLeaf)
            }
            for c in n.children { walk(c) }
        }
        for c in file.root.children { walk(c) }
        nodes = found
    }
}
