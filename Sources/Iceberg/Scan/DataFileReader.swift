import Parquet

/// Reads a Parquet data file as column batches projected onto an Iceberg schema, one row group
/// at a time. Columns are matched by field id (so renamed columns keep their data and columns
/// added later read as their initial default or null); files written without ids are matched
/// through the table's name mapping when it has one, else by the schema's current names.
public struct DataFileReader {
    /// The projected schema.
    public let schema: Schema
    let reader: ParquetReader
    let fileSchema: ParquetSchema
    let layout: FileLayout
    /// Row position of the first row of each row group.
    let firstRows: [Int64]

    /// Opens a data file for a projection.
    public init(input: RandomAccessInput, schema: Schema, nameMapping: NameMapping? = nil) throws {
        reader = try ParquetReader(input: input)
        if let mapping = nameMapping, !reader.schema.columns.allSatisfy({ $0.node.element.fieldId != nil }) {
            fileSchema = try mapping.assigningIds(to: reader.schema)
        } else {
            fileSchema = try AddFiles.assignIds(reader.schema, schema)
        }
        layout = try FileLayout(file: fileSchema, schema: schema)
        self.schema = schema
        var first: [Int64] = []
        var position: Int64 = 0
        for g in reader.metadata.rowGroups {
            first.append(position)
            position += g.numRows
        }
        firstRows = first
    }

    /// Number of row groups.
    public var rowGroupCount: Int { reader.rowGroupCount }

    /// The file position of the first row of a row group.
    public func firstRow(ofRowGroup g: Int) -> Int64 { firstRows[g] }

    /// Reads one row group.
    public func read(rowGroup g: Int) throws -> ColumnBatch {
        try batch(rowGroup: g, try reader.readRowGroup(g, columns: layout.columnIndices))
    }

    /// Reads one row group, decoding its columns in parallel.
    public func readConcurrently(rowGroup g: Int) async throws -> ColumnBatch {
        try batch(rowGroup: g, try await reader.readRowGroupConcurrently(g, columns: layout.columnIndices))
    }

    private func batch(rowGroup g: Int, _ leaves: [ColumnData]) throws -> ColumnBatch {
        let rows = Int(reader.metadata.rowGroups[g].numRows)
        for (i, leaf) in leaves.enumerated() where leaf.repetitionLevels != nil && leaf.rowCount != rows {
            throw ParquetError.malformedFile(
                "column '\(fileSchema.columns[layout.columnIndices[i]].path.joined(separator: "."))' of row group \(g) holds \(leaf.rowCount) rows, the row group \(rows)"
            )
        }
        return ColumnBatch(layout: layout, rowCount: rows, leaves: leaves)
    }

    /// Whether a row group may hold rows matching a filter, judged by its column statistics.
    public func rowGroupMayMatch(_ g: Int, _ filter: BoundExpression) -> Bool {
        if case .alwaysTrue = filter { return true }
        var footer = reader.metadata
        footer.rowGroups = [footer.rowGroups[g]]
        var stats = DataFile(filePath: "", partition: [], recordCount: footer.rowGroups[0].numRows, fileSizeInBytes: 0)
        FileMetrics(schema: schema, mode: .full)
            .apply(footer, parquetSchema: fileSchema, nanCounts: [:], to: &stats)
        return Pruning.fileMayMatch(filter, stats)
    }

    /// Whether a row group may hold rows matching a filter, judged by the Bloom filters of
    /// its chunks: an `=` or `in` on a column whose filter holds none of the values rules the
    /// row group out. Columns without a filter, other predicates and values whose stored form
    /// is not known here (decimals, booleans) may match.
    public func bloomFiltersMayMatch(_ g: Int, _ filter: BoundExpression) -> Bool {
        switch filter {
        case .alwaysTrue, .alwaysFalse: return true
        case .and(let a, let b): return bloomFiltersMayMatch(g, a) && bloomFiltersMayMatch(g, b)
        case .or(let a, let b): return bloomFiltersMayMatch(g, a) || bloomFiltersMayMatch(g, b)
        case .predicate(let p):
            guard p.op == .equal || p.op == .in,
                let c = fileSchema.columns.firstIndex(where: {
                    $0.node.element.fieldId.map(Int.init) == p.fieldId && $0.maxRepetitionLevel == 0
                }),
                let bloom = try? reader.bloomFilter(rowGroup: g, column: c)
            else { return true }
            let physical = fileSchema.columns[c].physicalType
            return p.literals.contains { literal in
                Self.bloomHash(literal, physical).map(bloom.mightContain(hash:)) ?? true
            }
        }
    }

    /// The Bloom filter hash of a value as a column of `physical` type stores it (nil: unknown).
    static func bloomHash(_ literal: Literal, _ physical: PhysicalType) -> UInt64? {
        switch (literal, physical) {
        case (.int(let v), .int32): return SplitBlockBloomFilter.hash(v)
        case (.int(let v), .int64): return SplitBlockBloomFilter.hash(Int64(v))
        case (.long(let v), .int64): return SplitBlockBloomFilter.hash(v)
        case (.long(let v), .int32): return Int32(exactly: v).map { SplitBlockBloomFilter.hash($0) }
        case (.float(let v), .float): return SplitBlockBloomFilter.hash(v)
        case (.double(let v), .double): return SplitBlockBloomFilter.hash(v)
        case (.string(let v), .byteArray): return SplitBlockBloomFilter.hash(v)
        case (.bytes(let v), .byteArray), (.bytes(let v), .fixedLenByteArray):
            return v.withUnsafeBytes { SplitBlockBloomFilter.hash(bytes: $0) }
        default: return nil
        }
    }

    /// A narrower projection of the same file (for dropping filter-only columns).
    func layout(for narrower: Schema) throws -> FileLayout {
        narrower == schema ? layout : try FileLayout(file: fileSchema, schema: narrower)
    }
}
