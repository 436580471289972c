/// Writes a Parquet file to a `ByteSink`, one row group at a time.
///
/// Hand it batches of columns (one `ColumnData` per leaf column, in schema order, all with
/// the same row count). Rows are buffered until the row group reaches
/// `options.rowGroupBytes` or `options.rowGroupRows`, then encoded and streamed to the sink,
/// so memory stays bounded by one row group however large the file grows. `close()` writes
/// the page indexes and the footer. After any error the writer refuses further use; the
/// caller discards the output (a `FileSink` removes its temporary file).
public final class ParquetWriter {
    /// The file schema.
    public let schema: ParquetSchema
    /// The settings in force.
    public let options: ParquetWriterOptions
    private let sink: ByteSink
    private var offset = 0
    private var pending: [ColumnData]? = nil
    private var pendingRows = 0
    private var pendingBytes = 0
    private var rowGroups: [RowGroup] = []
    private var pageIndexes: [[ChunkPageIndex]] = []
    /// Bloom filters of each written row group, by column index.
    private var bloomFilters: [[Int: SplitBlockBloomFilter]] = []
    private var totalRows: Int64 = 0
    private var state: State = .open

    private enum State { case open, closed, failed }

    /// Creates a writer and writes the leading magic bytes.
    public init(sink: ByteSink, schema: ParquetSchema, options: ParquetWriterOptions = ParquetWriterOptions()) throws {
        guard !schema.columns.isEmpty else {
            throw ParquetError.invalidSchema("a Parquet file needs at least one column")
        }
        self.sink = sink
        self.schema = schema
        self.options = options
        try emit(Array("PAR1".utf8))
    }

    /// Rows written to completed row groups plus rows buffered.
    public var rowCount: Int64 { totalRows + Int64(pendingRows) }

    /// Bytes written to the sink so far (buffered rows not included).
    public var bytesWritten: Int { offset }

    /// Approximate bytes buffered for the current row group.
    public var bufferedBytes: Int { pendingBytes }

    private func emit(_ bytes: [UInt8]) throws {
        try sink.write(bytes)
        offset += bytes.count
    }

    private func guarded<T>(_ body: () throws -> T) throws -> T {
        guard state == .open else { throw ParquetError.writerClosed }
        do { return try body() } catch {
            state = .failed
            throw error
        }
    }

    /// Appends a batch of rows given as one `ColumnData` per leaf column.
    public func write(_ columns: [ColumnData]) throws {
        try guarded {
            guard columns.count == schema.columns.count else {
                throw ParquetError.invalidData(
                    column: "*", detail: "batch has \(columns.count) columns, schema has \(schema.columns.count)")
            }
            var rows = -1
            for (i, c) in columns.enumerated() {
                let writer = ColumnChunkWriter(column: schema.columns[i], options: options)
                try writer.validate(c)
                let r = c.rowCount
                if rows < 0 {
                    rows = r
                } else if r != rows {
                    throw ParquetError.invalidData(
                        column: writer.pathString, detail: "has \(r) rows, the first column has \(rows)")
                }
            }
            var batch = columns
            var batchRows = max(rows, 0)
            let batchBytes = columns.reduce(0) { $0 + $1.estimatedPlainBytes }
            let bytesPerRow = max(1, batchBytes / max(batchRows, 1))
            while batchRows > 0 {
                // Room left in this row group, by rows and by (estimated) bytes.
                let byteRoom = max(1, (options.rowGroupBytes - pendingBytes + bytesPerRow - 1) / bytesPerRow)
                let space = min(options.rowGroupRows - pendingRows, byteRoom)
                if batchRows <= space {
                    append(batch, rows: batchRows)
                    batchRows = 0
                } else {
                    let head = batch.enumerated().map {
                        $1.slice(rows: 0..<space, maxDefinitionLevel: schema.columns[$0].maxDefinitionLevel)
                    }
                    batch = batch.enumerated().map {
                        $1.slice(rows: space..<batchRows, maxDefinitionLevel: schema.columns[$0].maxDefinitionLevel)
                    }
                    append(head, rows: space)
                    batchRows -= space
                }
                if pendingRows >= options.rowGroupRows || pendingBytes >= options.rowGroupBytes {
                    try flushRowGroup()
                }
            }
        }
    }

    private func append(_ batch: [ColumnData], rows: Int) {
        if pending == nil {
            pending = batch
        } else {
            for i in batch.indices { pending![i].append(batch[i]) }
        }
        pendingRows += rows
        for c in batch { pendingBytes += c.estimatedPlainBytes }
    }

    /// Encodes and writes the buffered rows as a row group (no-op when nothing is buffered).
    public func flush() throws {
        try guarded { try flushRowGroup() }
    }

    private func flushRowGroup() throws {
        guard let columns = pending, pendingRows > 0 else { return }
        pending = nil
        let groupStart = offset
        var chunks: [ColumnChunk] = []
        var indexes: [ChunkPageIndex] = []
        var totalUncompressed: Int64 = 0
        var buffer: [UInt8] = []
        // One reservation for the largest chunk avoids regrowing (and re-faulting) the buffer.
        let largest =
            columns.map { PlainEncoder.encodedSize($0.values, range: 0..<$0.values.count) + $0.levelCount / 4 + 4096 }
            .max() ?? 0
        buffer.reserveCapacity(largest)
        var filters: [Int: SplitBlockBloomFilter] = [:]
        for (i, data) in columns.enumerated() {
            if let fpp = options.bloomFilterColumns[schema.columns[i].path.joined(separator: ".")] {
                let hashes = SplitBlockBloomFilter.hashes(data.values)
                var filter = SplitBlockBloomFilter(
                    bytes: SplitBlockBloomFilter.optimalBytes(
                        distinctValues: hashes.count, fpp: fpp, maxBytes: options.bloomFilterMaxBytes))
                for h in hashes { filter.insert(hash: h) }
                filters[i] = filter
            }
            var writer = ColumnChunkWriter(column: schema.columns[i], options: options)
            buffer.removeAll(keepingCapacity: true)
            let (chunk, index) = try writer.write(data, fileOffset: offset, into: &buffer)
            try emit(buffer)
            chunks.append(chunk)
            indexes.append(index)
            totalUncompressed += chunk.metaData?.totalUncompressedSize ?? 0
        }
        rowGroups.append(
            RowGroup(
                columns: chunks, totalByteSize: totalUncompressed, numRows: Int64(pendingRows),
                sortingColumns: nil, fileOffset: Int64(groupStart),
                totalCompressedSize: Int64(offset - groupStart), ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        pageIndexes.append(indexes)
        bloomFilters.append(filters)
        totalRows += Int64(pendingRows)
        pendingRows = 0
        pendingBytes = 0
    }

    /// Flushes buffered rows, writes page indexes and the footer, and closes the sink.
    @discardableResult
    public func close() throws -> FileMetaData {
        try guarded {
            try flushRowGroup()
            // Bloom filters after the data, before the page indexes (as parquet-mr places them).
            for g in rowGroups.indices {
                for (c, filter) in bloomFilters[g].sorted(by: { $0.key < $1.key }) {
                    let bytes = filter.serialized()
                    rowGroups[g].columns[c].metaData?.bloomFilterOffset = Int64(offset)
                    rowGroups[g].columns[c].metaData?.bloomFilterLength = Int32(bytes.count)
                    try emit(bytes)
                }
            }
            if options.writePageIndex {
                for g in rowGroups.indices {
                    for c in rowGroups[g].columns.indices {
                        guard let ci = pageIndexes[g][c].columnIndex else { continue }
                        let bytes = ci.serialized()
                        rowGroups[g].columns[c].columnIndexOffset = Int64(offset)
                        rowGroups[g].columns[c].columnIndexLength = Int32(bytes.count)
                        try emit(bytes)
                    }
                }
                for g in rowGroups.indices {
                    for c in rowGroups[g].columns.indices {
                        let bytes = pageIndexes[g][c].offsetIndex.serialized()
                        rowGroups[g].columns[c].offsetIndexOffset = Int64(offset)
                        rowGroups[g].columns[c].offsetIndexLength = Int32(bytes.count)
                        try emit(bytes)
                    }
                }
            }
            let meta = FileMetaData(
                version: 2, schema: schema.elements, numRows: totalRows, rowGroups: rowGroups,
                keyValueMetadata: options.keyValueMetadata.isEmpty ? nil : options.keyValueMetadata,
                createdBy: options.createdBy,
                columnOrders: Array(repeating: true, count: schema.columns.count))
            let footer = meta.serialized()
            try emit(footer)
            let n = UInt32(footer.count)
            try emit(
                [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + Array("PAR1".utf8))
            try sink.close()
            state = .closed
            return meta
        }
    }
}
