import Parquet

/// Reads a Parquet data file as column batches projected onto an Iceberg schema, one row group
/// at a time. Columns are matched by field id (so renamed columns keep their data and columns
/// added later read as their initial default or null); files written without ids are matched
/// through the table's name mapping when it has one, else by the schema's current names.
public struct DataFileReader: Sendable {
    /// The projected schema.
    public let schema: Schema
    let reader: ParquetReader
    let fileSchema: ParquetSchema
    let layout: FileLayout
    /// Row position of the first row of each row group.
    let firstRows: [Int64]
    /// The remote file read range by range, when the input is one (see `open`).
    let ranged: RangedInputFile?

    /// Opens a data file for a projection. A `RangedInputFile` must have its footer fetched
    /// (as `FileIO.input` gives it); use `open` to have the page indexes and Bloom filters
    /// fetched too.
    /// With a `footer` read from this input before, the footer is not read again.
    public init(input: RandomAccessInput, schema: Schema, nameMapping: NameMapping? = nil, footer: ParquetFooter? = nil)
        throws
    {
        reader = try footer.map { try ParquetReader(input: input, footer: $0) } ?? ParquetReader(input: input)
        ranged = ParquetInput.ranged(input)
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

    /// Opens a data file of a FileIO for a projection; from a remote file read range by
    /// range, its page indexes and Bloom filters are fetched now (kept while the reader lives)
    /// and the column chunks as each row group is read.
    public static func open(_ file: InputFile, schema: Schema, nameMapping: NameMapping? = nil) async throws
        -> DataFileReader
    {
        try await open(file, schema: schema, nameMapping: nameMapping, footer: nil)
    }

    /// Opens the data file at a location of a FileIO, its footer taken from `footers` when
    /// the cache holds the one of this location and size (else read, and kept there).
    public static func open(
        _ location: String, io: FileIO, schema: Schema, nameMapping: NameMapping? = nil, footers: ParquetFooterCache?
    ) async throws -> DataFileReader {
        let file = try await io.input(location)
        let cached = footers?.footer(for: location, fileSize: file.size)
        let reader = try await open(file, schema: schema, nameMapping: nameMapping, footer: cached)
        if cached == nil { footers?.insert(reader.reader.footer, for: location) }
        return reader
    }

    private static func open(_ file: InputFile, schema: Schema, nameMapping: NameMapping?, footer: ParquetFooter?)
        async throws -> DataFileReader
    {
        let reader = try DataFileReader(
            input: ParquetInput.of(file), schema: schema, nameMapping: nameMapping, footer: footer)
        if let ranged = reader.ranged {
            let ranges = reader.reader.metadataRanges
            if !ranges.isEmpty { _ = try await ranged.fetch(ranges) }
        }
        return reader
    }

    /// Number of row groups.
    public var rowGroupCount: Int { reader.rowGroupCount }

    /// The file position of the first row of a row group.
    public func firstRow(ofRowGroup g: Int) -> Int64 { firstRows[g] }

    /// Reads one row group.
    public func read(rowGroup g: Int) throws -> ColumnBatch {
        try batch(rowGroup: g, try reader.readRowGroup(g, columns: layout.columnIndices))
    }

    /// Reads one row group, decoding its columns in parallel (fetching their chunks first from
    /// a remote file read range by range).
    public func readConcurrently(rowGroup g: Int) async throws -> ColumnBatch {
        try batch(rowGroup: g, try await fetching(rowGroup: g, columns: layout.columnIndices, rows: nil))
    }

    /// Reads leaves of a row group in parallel; from a remote file read range by range, the
    /// ranges they need are fetched first and released once read.
    private func fetching(rowGroup g: Int, columns: [Int], rows: RowSelection?) async throws -> [ColumnData] {
        guard let ranged, !columns.isEmpty else {
            return try await reader.readRowGroupConcurrently(g, columns: columns, rows: rows)
        }
        let fetched = try await ranged.fetch(try reader.byteRanges(rowGroup: g, columns: columns, rows: rows))
        defer { ranged.release(fetched) }
        return try await reader.readRowGroupConcurrently(g, columns: columns, rows: rows)
    }

    /// What the file's reader has read since it was opened (footer included).
    public var statistics: ReadStatistics { reader.statistics }

    /// The number of rows of a row group.
    public func rowCount(ofRowGroup g: Int) -> Int { Int(reader.metadata.rowGroups[g].numRows) }

    /// Reads the selected rows of some leaves of a row group (file leaf indices), in parallel.
    func read(rowGroup g: Int, columns: [Int], rows: RowSelection) async throws -> [ColumnData] {
        let leaves = try await fetching(rowGroup: g, columns: columns, rows: rows)
        try checkRowCounts(leaves, columns: columns, rowGroup: g, expected: rows.rowCount)
        return leaves
    }

    /// The rows of a row group that the column indexes of the filter's columns allow (pages
    /// whose min, max and null counts rule the filter out are left out), with the number of
    /// pages of those columns and how many of them hold no allowed row. Columns without a
    /// page index allow every row.
    public func pageIndexSelection(_ g: Int, _ filter: BoundExpression) -> (rows: RowSelection, pages: Int, pruned: Int)
    {
        let groupRows = rowCount(ofRowGroup: g)
        /// Row ranges of the pages of each indexed column.
        var pageRows: [Int: [Range<Int>]] = [:]
        func select(_ e: BoundExpression) -> RowSelection? {
            switch e {
            case .alwaysTrue: return nil
            case .alwaysFalse: return RowSelection([])
            case .and(let a, let b):
                switch (select(a), select(b)) {
                case (nil, let x), (let x, nil): return x
                case (let x?, let y?): return x.intersection(y)
                }
            case .or(let a, let b):
                guard let x = select(a), let y = select(b) else { return nil }
                return x.union(y)
            case .predicate(let p):
                guard let c = flatColumn(fieldId: p.fieldId),
                    let index = try? reader.columnIndex(rowGroup: g, column: c),
                    let offsets = try? reader.offsetIndex(rowGroup: g, column: c),
                    index.nullPages.count == offsets.pageLocations.count,
                    index.minValues.count == index.nullPages.count, index.maxValues.count == index.nullPages.count
                else { return nil }
                let column = fileSchema.columns[c]
                var ranges: [Range<Int>] = []
                var all: [Range<Int>] = []
                let locations = offsets.pageLocations
                for i in locations.indices {
                    let start = Int(locations[i].firstRowIndex)
                    let end = i + 1 < locations.count ? Int(locations[i + 1].firstRowIndex) : groupRows
                    guard start <= end, end <= groupRows else { return nil }
                    all.append(start..<end)
                    let allNull = index.nullPages[i]
                    let mayMatch = Self.boundsMayMatch(
                        p, column, min: index.minValues[i], max: index.maxValues[i],
                        mayHaveNull: allNull || (index.nullCounts.map { i < $0.count ? $0[i] > 0 : true } ?? true),
                        allNull: allNull)
                    if mayMatch { ranges.append(start..<end) }
                }
                pageRows[c] = all
                return RowSelection(ranges)
            }
        }
        let rows = select(filter) ?? .all(groupRows)
        let pages = pageRows.values.reduce(0) { $0 + $1.count }
        let pruned = pageRows.values.reduce(0) { $0 + $1.filter { !rows.overlaps($0) }.count }
        return (rows, pages, pruned)
    }

    private func batch(rowGroup g: Int, _ leaves: [ColumnData]) throws -> ColumnBatch {
        let rows = rowCount(ofRowGroup: g)
        try checkRowCounts(leaves, columns: layout.columnIndices, rowGroup: g, expected: rows)
        return ColumnBatch(layout: layout, rowCount: rows, leaves: leaves)
    }

    /// Throws when a leaf read for file leaf `columns[i]` does not hold the `expected` rows (a
    /// nested column whose levels disagree with the row group or the selection).
    private func checkRowCounts(_ leaves: [ColumnData], columns: [Int], rowGroup g: Int, expected: Int) throws {
        for (i, leaf) in leaves.enumerated() where leaf.rowCount != expected {
            throw ParquetError.malformedFile(
                "column '\(fileSchema.columns[columns[i]].path.joined(separator: "."))' of row group \(g) holds \(leaf.rowCount) rows, \(expected) expected"
            )
        }
    }

    /// The file leaf outside any list or map that holds a field id, if the file has one.
    private func flatColumn(fieldId: Int) -> Int? {
        fileSchema.columns.firstIndex {
            $0.node.element.fieldId.map(Int.init) == fieldId && $0.maxRepetitionLevel == 0
        }
    }

    /// The row groups a filter leaves (see `rowGroups(matching:)`), and how many each test ruled out.
    public struct RowGroupPruning: Sendable, Hashable {
        /// The row groups that may hold matching rows, ascending.
        public var kept: [Int] = []
        /// How many the column statistics ruled out.
        public var prunedByStatistics = 0
        /// How many the Bloom filters ruled out (of those statistics left).
        public var prunedByBloomFilter = 0
    }

    /// The row groups that may hold rows matching a filter (every one without a filter): each
    /// is judged by its column statistics, then by its Bloom filters.
    public func rowGroups(matching filter: BoundExpression?) -> RowGroupPruning {
        var pruning = RowGroupPruning()
        for g in 0..<rowGroupCount {
            if let filter, !rowGroupMayMatch(g, filter) {
                pruning.prunedByStatistics += 1
            } else if let filter, !bloomFiltersMayMatch(g, filter) {
                pruning.prunedByBloomFilter += 1
            } else {
                pruning.kept.append(g)
            }
        }
        return pruning
    }

    /// Whether a row group may hold rows matching a filter, judged by its column statistics.
    /// Columns without statistics, and fields the file does not hold, may match.
    public func rowGroupMayMatch(_ g: Int, _ filter: BoundExpression) -> Bool {
        switch filter {
        case .alwaysTrue: return true
        case .alwaysFalse: return false
        case .and(let a, let b): return rowGroupMayMatch(g, a) && rowGroupMayMatch(g, b)
        case .or(let a, let b): return rowGroupMayMatch(g, a) || rowGroupMayMatch(g, b)
        case .predicate(let p):
            guard let c = flatColumn(fieldId: p.fieldId), let meta = reader.metadata.rowGroups[g].columns[c].metaData
            else { return true }
            let nulls = meta.statistics?.nullCount
            let allNull = nulls == meta.numValues
            return Self.boundsMayMatch(
                p, fileSchema.columns[c], min: meta.statistics?.minValue, max: meta.statistics?.maxValue,
                mayHaveNull: nulls.map { $0 > 0 } ?? true, allNull: allNull)
        }
    }

    /// Whether values of a column between Parquet bounds (PLAIN bytes, either may be missing)
    /// may match a predicate. A NaN bound says nothing about the other values; floating-point
    /// values may be NaN (Parquet statistics do not count them).
    private static func boundsMayMatch(
        _ p: BoundPredicate, _ column: ColumnDescriptor, min: [UInt8]?, max: [UInt8]?, mayHaveNull: Bool,
        allNull: Bool
    ) -> Bool {
        let floating = column.physicalType == .float || column.physicalType == .double
        func bound(_ bytes: [UInt8]?) -> Literal? {
            guard !allNull, let bytes, let l = FileMetrics.literal(bytes, column, p.type) else { return nil }
            if floating, let d = l.asDouble, d.isNaN { return nil }
            return l
        }
        return Pruning.rangeMayMatch(
            p, lower: bound(min), upper: bound(max), mayHaveNull: mayHaveNull, allNull: allNull,
            mayHaveNaN: floating, allNaN: false)
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
            guard p.op == .equal || p.op == .in, let c = flatColumn(fieldId: p.fieldId) else { return true }
            let physical = fileSchema.columns[c].physicalType
            let hashes = p.literals.map { Self.bloomHash($0, physical) }
            guard !hashes.contains(nil) else { return true }
            // Only the filter's header and the block each value tests are read.
            let found = try? reader.bloomFilterMightContain(rowGroup: g, column: c, hashes: hashes.compactMap { $0 })
            return found ?? true
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
