import Parquet

/// Builds the `files` and `entries` metadata tables straight into columns: each manifest
/// entry's values are appended to the contiguous buffers of their leaf columns (Dremel form),
/// with no row objects in between. The leaves are written in the order of the tables' schemas
/// (`MetadataTableLayout.filesSchema` / `entriesSchema`), depth first.
struct ContentFileColumns {
    private var leaves: [LeafBuilder]
    private let schema: Schema
    private let parquetSchema: ParquetSchema
    /// Whether the rows are manifest entries (status and sequence numbers before `data_file`).
    private let entries: Bool
    private let partition: StructType
    private let partitionSpecs: [PrimitiveSpec]
    /// For each partition spec, the position in its tuple of each unified partition field.
    private let partitionPositions: [Int: [Int?]]
    /// The `readable_metrics` columns, in the table's order (by name).
    private let metricColumns: [(id: Int, type: IcebergType, spec: PrimitiveSpec)]
    private var leaf = 0
    private(set) var rowCount = 0

    init(schema: Schema, partition: StructType, layout: MetadataTableLayout, entries: Bool) throws {
        self.schema = schema
        parquetSchema = try schema.parquetSchema()
        leaves = parquetSchema.columns.map { LeafBuilder(column: $0) }
        self.entries = entries
        self.partition = partition
        partitionSpecs = partition.fields.map { PrimitiveSpec($0.type) }
        var positions: [Int: [Int?]] = [:]
        for spec in layout.metadata.partitionSpecs {
            positions[spec.specId] = partition.fields.map { field in
                spec.fields.firstIndex { $0.fieldId == field.id && $0.transform != .void }
            }
        }
        partitionPositions = positions
        metricColumns = layout.metricColumns.map { ($0.id, $0.type, PrimitiveSpec($0.type)) }
    }

    /// Appends one row: a live file (`files`) or any entry (`entries`) of a manifest of spec `specId`.
    mutating func append(_ e: ManifestEntry, specId: Int) {
        leaf = 0
        let f = e.dataFile
        if entries {
            int32(Int32(e.status.rawValue))
            int64(e.snapshotId)
            int64(e.sequenceNumber)
            int64(e.fileSequenceNumber)
        }
        int32(Int32(f.content.rawValue))
        string(f.filePath)
        string(f.fileFormat.uppercased())
        int32(Int32(truncatingIfNeeded: specId))
        if !partition.fields.isEmpty {
            let positions = partitionPositions[specId]
            for (k, spec) in partitionSpecs.enumerated() {
                let value = positions?[k].flatMap { $0 < f.partition.count ? f.partition[$0] : nil }
                literal(value, spec)
            }
        }
        int64(f.recordCount)
        int64(f.fileSizeInBytes)
        map(f.columnSizes) { $0.values.int64s.append($1) }
        map(f.valueCounts) { $0.values.int64s.append($1) }
        map(f.nullValueCounts) { $0.values.int64s.append($1) }
        map(f.nanValueCounts) { $0.values.int64s.append($1) }
        map(f.lowerBounds) { $0.values.bytes.append($1) }
        map(f.upperBounds) { $0.values.bytes.append($1) }
        bytes(f.keyMetadata)
        list(f.splitOffsets) { $0.values.int64s.append($1) }
        list(f.equalityIds) { $0.values.int32s.append(Int32(truncatingIfNeeded: $1)) }
        int32(f.sortOrderId.map { Int32(truncatingIfNeeded: $0) })
        int64(f.firstRowId)
        string(f.referencedDataFile)
        int64(f.contentOffset)
        int64(f.contentSizeInBytes)
        for c in metricColumns {
            int64(f.columnSizes[c.id])
            int64(f.valueCounts[c.id])
            int64(f.nullValueCounts[c.id])
            int64(f.nanValueCounts[c.id])
            literal(f.lowerBounds[c.id].flatMap { Literal.deserialize($0, as: c.type) }, c.spec)
            literal(f.upperBounds[c.id].flatMap { Literal.deserialize($0, as: c.type) }, c.spec)
        }
        precondition(leaf == leaves.count, "wrote \(leaf) of \(leaves.count) metadata table columns")
        rowCount += 1
    }

    /// The rows appended, as one batch.
    func batch() throws -> ColumnBatch {
        ColumnBatch(
            layout: try FileLayout(file: parquetSchema, schema: schema), rowCount: rowCount,
            leaves: leaves.map { $0.columnData() })
    }

    // MARK: Leaves

    /// Appends a present value (written by `value`) or a null to the next leaf, which is
    /// outside any list or map and whose parents are present.
    private mutating func flat(_ present: Bool, _ value: (inout LeafBuilder) -> Void) {
        let max = leaves[leaf].column.maxDefinitionLevel
        if present {
            value(&leaves[leaf])
            leaves[leaf].appendLevels(def: max, rep: 0)
        } else {
            leaves[leaf].appendLevels(def: max - 1, rep: 0)
        }
        leaf += 1
    }

    private mutating func int32(_ v: Int32?) { flat(v != nil) { $0.values.int32s.append(v!) } }
    private mutating func int64(_ v: Int64?) { flat(v != nil) { $0.values.int64s.append(v!) } }
    private mutating func string(_ v: String?) { flat(v != nil) { $0.values.bytes.append(v!) } }
    private mutating func bytes(_ v: [UInt8]?) { flat(v != nil) { $0.values.bytes.append(v!) } }

    /// An optional literal; one that does not fit its column's type reads as null.
    private mutating func literal(_ v: Literal?, _ spec: PrimitiveSpec) {
        let max = leaves[leaf].column.maxDefinitionLevel
        if let v, leaves[leaf].append(v, spec: spec) {
            leaves[leaf].appendLevels(def: max, rep: 0)
        } else {
            leaves[leaf].appendLevels(def: max - 1, rep: 0)
        }
        leaf += 1
    }

    /// An optional map with required keys (int) and values, sorted by key: two leaves; an
    /// empty map is null, as Java shows it.
    private mutating func map<V>(_ m: [Int: V], _ value: (inout LeafBuilder, V) -> Void) {
        let (keys, values) = (leaf, leaf + 1)
        let max = leaves[keys].column.maxDefinitionLevel
        if m.isEmpty {
            leaves[keys].appendLevels(def: max - 2, rep: 0)
            leaves[values].appendLevels(def: max - 2, rep: 0)
        } else {
            for (i, (k, v)) in m.sorted(by: { $0.key < $1.key }).enumerated() {
                leaves[keys].values.int32s.append(Int32(truncatingIfNeeded: k))
                leaves[keys].appendLevels(def: max, rep: i == 0 ? 0 : 1)
                value(&leaves[values], v)
                leaves[values].appendLevels(def: max, rep: i == 0 ? 0 : 1)
            }
        }
        leaf += 2
    }

    /// An optional list with required elements: one leaf.
    private mutating func list<V>(_ items: [V]?, _ value: (inout LeafBuilder, V) -> Void) {
        let max = leaves[leaf].column.maxDefinitionLevel
        if let items, !items.isEmpty {
            for (i, item) in items.enumerated() {
                value(&leaves[leaf], item)
                leaves[leaf].appendLevels(def: max, rep: i == 0 ? 0 : 1)
            }
        } else {
            leaves[leaf].appendLevels(def: items == nil ? max - 2 : max - 1, rep: 0)
        }
        leaf += 1
    }
}

extension LeafBuilder {
    /// Appends a literal in the column's physical type; false (nothing appended) when the
    /// literal's kind does not fit it.
    mutating func append(_ literal: Literal, spec: PrimitiveSpec) -> Bool {
        switch (literal, column.physicalType) {
        case (.boolean(let b), .boolean): values.booleans.append(b)
        case (.int(let i), .int32): values.int32s.append(i)
        case (.int(let i), .int64): values.int64s.append(Int64(i))
        case (.long(let l), .int64): values.int64s.append(l)
        case (.long(let l), .int32): values.int32s.append(Int32(truncatingIfNeeded: l))
        case (.float(let f), .float): values.floats.append(f)
        case (.double(let d), .double): values.doubles.append(d)
        case (.float(let f), .double): values.doubles.append(Double(f))
        case (.string(let s), .byteArray): values.bytes.append(s)
        case (.bytes(let b), .byteArray): values.bytes.append(b)
        case (.bytes(let b), .fixedLenByteArray) where b.count == values.width: values.fixed.append(contentsOf: b)
        case (.decimal(let u), .int32): values.int32s.append(Int32(truncatingIfNeeded: u))
        case (.decimal(let u), .int64): values.int64s.append(Int64(truncatingIfNeeded: u))
        case (.decimal(let u), .fixedLenByteArray):
            values.fixed.append(
                contentsOf: DecimalValues.bytes(u, width: IcebergType.decimalBytes(precision: spec.precision)))
        default: return false
        }
        return true
    }
}
