import Synchronization
import ThriftCompact

/// Reads a Parquet file: footer, schema, row groups, column chunks and page indexes.
///
/// Columns come back in Dremel form (`ColumnData`: values plus levels), one column chunk at
/// a time, so memory is bounded by the chunks requested. A reader may be used from several
/// tasks at once (its input's reads must allow that, as those of this module do).
public final class ParquetReader: @unchecked Sendable {
    /// The decoded footer.
    public let metadata: FileMetaData
    /// The schema tree and leaf columns.
    public let schema: ParquetSchema
    private let input: RandomAccessInput
    private let footerLength: Int
    /// Limits applied to decoding.
    public let limits: ParquetReadLimits
    /// Counts what this reader reads (shared with whoever keeps it, e.g. a scan's metrics).
    public let counter = ReadCounter()
    /// Offset indexes read so far, by `rowGroup * columns + column` (page pruning, planning a
    /// selection and fetching its ranges all ask for the same ones).
    private let offsetIndexes = Mutex<[Int: OffsetIndex]>([:])

    /// What this reader has read since it was opened (the footer included).
    public var statistics: ReadStatistics { counter.statistics }

    /// Opens a file at a path.
    public convenience init(path: String, limits: ParquetReadLimits = ParquetReadLimits()) throws {
        try self.init(input: FileInput(path: path), limits: limits)
    }

    /// Opens any random-access input; reads and validates the footer.
    public convenience init(input: RandomAccessInput, limits: ParquetReadLimits = ParquetReadLimits()) throws {
        let footer = try ParquetFooter(reading: input)
        try self.init(input: input, footer: footer, limits: limits)
        counter.add {
            $0.bytesRead = 12 + footer.length
            $0.reads = 3
        }
    }

    /// Opens an input with its footer as read before (nothing is read now); throws when the
    /// footer is of a file of another size.
    public init(input: RandomAccessInput, footer: ParquetFooter, limits: ParquetReadLimits = ParquetReadLimits())
        throws
    {
        guard footer.fileSize == input.size else {
            throw ParquetError.malformedFile(
                "the footer given is of a \(footer.fileSize)-byte file, the input has \(input.size) bytes")
        }
        self.input = input
        self.limits = limits
        metadata = footer.metadata
        schema = footer.schema
        footerLength = footer.length
    }

    /// Where the footer begins: page indexes and Bloom filters lie before it.
    private var footerStart: Int { input.size - 8 - footerLength }

    /// The decoded footer, to open the same file again without reading it.
    public var footer: ParquetFooter {
        ParquetFooter(metadata: metadata, schema: schema, length: footerLength, fileSize: input.size)
    }

    /// Number of row groups.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Total row count.
    public var rowCount: Int64 { metadata.numRows }

    /// Reads one column chunk.
    public func readColumn(rowGroup: Int, column: Int) throws -> ColumnData {
        var reader = try chunkReader(rowGroup: rowGroup, column: column, rows: nil)
        return try decode(&reader)
    }

    /// Reads the selected rows of one column chunk. Through the chunk's offset index, only the
    /// pages holding selected rows (and the dictionary page) are read; without one the chunk
    /// is read and pages without selected rows are skipped undecoded, as far as their headers
    /// tell their row counts.
    public func readColumn(rowGroup: Int, column: Int, rows: RowSelection) throws -> ColumnData {
        var reader = try chunkReader(rowGroup: rowGroup, column: column, rows: rows)
        return try decode(&reader)
    }

    private func decode(_ reader: inout ColumnChunkReader) throws -> ColumnData {
        let data = try reader.readAll()
        let (decoded, skipped) = (reader.pagesDecoded, reader.pagesSkipped)
        counter.add {
            $0.pagesDecoded += decoded
            $0.pagesSkipped += skipped
        }
        return data
    }

    private func read(offset: Int, count: Int) throws -> [UInt8] {
        let bytes = try input.read(offset: offset, count: count)
        counter.add {
            $0.bytesRead += count
            $0.reads += 1
        }
        return bytes
    }

    /// What reading a column chunk (or the selected rows of it) reads: the whole chunk, or
    /// through its offset index the dictionary page and the pages holding selected rows.
    private func plan(rowGroup: Int, column: Int, rows: RowSelection?) throws -> (
        meta: ColumnMetaData, selection: RowSelection?, chunk: Range<Int>, pages: PagePlan?
    ) {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count else {
            throw ParquetError.malformedFile("no row group \(rowGroup)")
        }
        guard column >= 0, column < schema.columns.count else {
            throw ParquetError.malformedFile("no column \(column)")
        }
        let meta = metadata.rowGroups[rowGroup].columns[column].metaData!
        let range = try footer.chunkRange(meta)
        let groupRows = Int(metadata.rowGroups[rowGroup].numRows)
        let selection = rows.flatMap { $0.coversAll(groupRows) ? nil : $0 }
        guard let selection, let index = try? offsetIndex(rowGroup: rowGroup, column: column) else {
            return (meta, selection, range, nil)
        }
        return (meta, selection, range, PagePlan(index, chunk: range, rows: selection, groupRows: groupRows))
    }

    /// The byte ranges of the file that reading these columns of a row group (or the selected
    /// rows of them) reads, for inputs that fetch ranges ahead of reading them. The offset
    /// indexes a selection uses must be readable (see `metadataRanges`).
    public func byteRanges(rowGroup: Int, columns: [Int], rows: RowSelection? = nil) throws -> [Range<Int>] {
        try columns.flatMap { c -> [Range<Int>] in
            let p = try plan(rowGroup: rowGroup, column: c, rows: rows)
            return p.pages?.reads ?? [p.chunk]
        }
    }

    /// The byte ranges of the page indexes and Bloom filters of every column chunk (a Bloom
    /// filter without a stored length runs to the next of these ranges or the footer).
    public var metadataRanges: [Range<Int>] {
        var starts: [(Int, Int?)] = []
        for g in metadata.rowGroups {
            for c in g.columns {
                if let o = c.columnIndexOffset, let l = c.columnIndexLength { starts.append((Int(o), Int(l))) }
                if let o = c.offsetIndexOffset, let l = c.offsetIndexLength { starts.append((Int(o), Int(l))) }
                if let o = c.metaData?.bloomFilterOffset {
                    starts.append((Int(o), c.metaData?.bloomFilterLength.flatMap { $0 > 0 ? Int($0) : nil }))
                }
            }
        }
        let sorted = starts.filter { $0.0 >= 0 && $0.0 < footerStart }.sorted { $0.0 < $1.0 }
        return sorted.enumerated().map { i, s in
            let end = s.1.map { s.0 + $0 } ?? (i + 1 < sorted.count ? sorted[i + 1].0 : footerStart)
            return s.0..<min(max(end, s.0), footerStart)
        }
    }

    /// Reads a column chunk's bytes (all of them, or the pages a selection needs) and prepares
    /// its decoder.
    private func chunkReader(rowGroup: Int, column: Int, rows: RowSelection?) throws -> ColumnChunkReader {
        let p = try plan(rowGroup: rowGroup, column: column, rows: rows)
        let groupRows = Int(metadata.rowGroups[rowGroup].numRows)
        if let pages = p.pages {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(pages.byteCount)
            for r in pages.reads { bytes += try read(offset: r.lowerBound, count: r.count) }
            counter.add { $0.pagesSkipped += pages.skippedPages }
            return ColumnChunkReader(
                column: schema.columns[column], meta: p.meta, bytes: bytes, limits: limits, rowGroupRows: groupRows,
                selection: p.selection, pageFirstRows: pages.firstRows)
        }
        let bytes = try read(offset: p.chunk.lowerBound, count: p.chunk.count)
        return ColumnChunkReader(
            column: schema.columns[column], meta: p.meta, bytes: bytes, limits: limits, rowGroupRows: groupRows,
            selection: p.selection)
    }

    /// Reads the chosen columns (default all) of a row group.
    public func readRowGroup(_ rowGroup: Int, columns: [Int]? = nil) throws -> [ColumnData] {
        try (columns ?? Array(schema.columns.indices)).map { try readColumn(rowGroup: rowGroup, column: $0) }
    }

    /// Reads the chosen columns (default all) of a row group, or the selected rows of them,
    /// decompressing and decoding the columns in parallel child tasks (the bytes are read
    /// first, in this task).
    public func readRowGroupConcurrently(_ rowGroup: Int, columns: [Int]? = nil, rows: RowSelection? = nil)
        async throws -> [ColumnData]
    {
        let chosen = columns ?? Array(schema.columns.indices)
        let readers = try chosen.map { try chunkReader(rowGroup: rowGroup, column: $0, rows: rows) }
        guard readers.count > 1 else {
            return try readers.map {
                var r = $0
                return try decode(&r)
            }
        }
        let (columns, decoded, skipped) = try await withThrowingTaskGroup(of: (Int, ColumnData, Int, Int).self) {
            group in
            for (i, r) in readers.enumerated() {
                group.addTask {
                    var reader = r
                    let data = try reader.readAll()
                    return (i, data, reader.pagesDecoded, reader.pagesSkipped)
                }
            }
            var out = [ColumnData?](repeating: nil, count: readers.count)
            var decoded = 0
            var skipped = 0
            for try await (i, data, d, s) in group {
                out[i] = data
                decoded += d
                skipped += s
            }
            return (out.map { $0! }, decoded, skipped)
        }
        counter.add {
            $0.pagesDecoded += decoded
            $0.pagesSkipped += skipped
        }
        return columns
    }

    /// The column index of a chunk, if the file has one.
    public func columnIndex(rowGroup: Int, column: Int) throws -> ColumnIndex? {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        guard let o = chunk.columnIndexOffset, let l = chunk.columnIndexLength else { return nil }
        let bytes = try read(offset: Int(o), count: Int(l))
        do { return try ColumnIndex(thrift: bytes) } catch { throw ParquetError.thrift(context: "column index", error) }
    }

    /// The offset index of a chunk, if the file has one.
    public func offsetIndex(rowGroup: Int, column: Int) throws -> OffsetIndex? {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        guard let o = chunk.offsetIndexOffset, let l = chunk.offsetIndexLength else { return nil }
        let key = rowGroup * schema.columns.count + column
        if let known = offsetIndexes.withLock({ $0[key] }) { return known }
        let bytes = try read(offset: Int(o), count: Int(l))
        let index: OffsetIndex
        do { index = try OffsetIndex(thrift: bytes) } catch {
            throw ParquetError.thrift(context: "offset index", error)
        }
        offsetIndexes.withLock { $0[key] = index }
        return index
    }

    /// The Bloom filter of a chunk, if the file has one this reader understands (a header
    /// declaring another algorithm, hash or compression gives nil).
    public func bloomFilter(rowGroup: Int, column: Int) throws -> SplitBlockBloomFilter? {
        guard let h = try bloomFilterHeader(rowGroup: rowGroup, column: column) else { return nil }
        let end = h.bitsetStart + h.bitsetBytes
        let bytes = end <= h.head.count ? h.head : try read(offset: h.offset, count: end)
        return try SplitBlockBloomFilter(bitset: bytes[h.bitsetStart..<end])
    }

    /// Whether a chunk's Bloom filter may hold a value with one of these hashes (see
    /// `SplitBlockBloomFilter.hash`), reading only the filter's header and the 32-byte block
    /// each hash tests, not the whole bitset. Nil when the chunk has no filter this reader
    /// understands.
    public func bloomFilterMightContain(rowGroup: Int, column: Int, hashes: [UInt64]) throws -> Bool? {
        guard let h = try bloomFilterHeader(rowGroup: rowGroup, column: column) else { return nil }
        for hash in hashes {
            let at = h.bitsetStart + SplitBlockBloomFilter.blockOffset(hash, bitsetBytes: h.bitsetBytes)
            let block =
                at + 32 <= h.head.count ? Array(h.head[at..<at + 32]) : try read(offset: h.offset + at, count: 32)
            if block.withUnsafeBytes({ SplitBlockBloomFilter.block($0, mightContain: hash) }) { return true }
        }
        return false
    }

    /// A chunk's Bloom filter header: the filter's file offset, the first bytes read there (the
    /// header, perhaps some of the bitset), and where in them the bitset starts and its size.
    /// Nil without a filter, or for one this reader does not understand; throws for a filter
    /// that runs past its stored length or into the footer.
    private func bloomFilterHeader(rowGroup: Int, column: Int) throws
        -> (offset: Int, head: [UInt8], bitsetStart: Int, bitsetBytes: Int)?
    {
        // Filters lie before the footer: a read that ran into it (a filter without a stored
        // length) could also cross from one fetched range into another on a ranged input.
        guard let o = metadata.rowGroups[rowGroup].columns[column].metaData?.bloomFilterOffset, o >= 0,
            Int(o) < footerStart
        else { return nil }
        let offset = Int(o)
        let available = footerStart - offset
        // Writers before bloom_filter_length store none: the header then says how long it is.
        let stored = metadata.rowGroups[rowGroup].columns[column].metaData?.bloomFilterLength.flatMap {
            $0 > 0 ? Int($0) : nil
        }
        if let stored, stored > available {
            throw ParquetError.malformedFile("bloom filter at \(offset) (\(stored) bytes) runs into the footer")
        }
        let limit = stored ?? available
        let head = try read(offset: offset, count: min(256, limit))
        guard let (start, bitsetBytes) = try SplitBlockBloomFilter.header(head, range: 0..<head.count) else {
            return nil
        }
        guard start + bitsetBytes <= limit else {
            throw ParquetError.malformedFile(
                "bloom filter at \(offset) (\(bitsetBytes) bytes) past its stored length or into the footer")
        }
        return (offset, head, start, bitsetBytes)
    }

    /// Leaf indices selected by dotted path prefixes (`a`, `a.b`); nil selects all.
    public func columnIndices(forPaths paths: [String]?) throws -> [Int] {
        guard let paths else { return Array(schema.columns.indices) }
        var selected = Set<Int>()
        for p in paths {
            let parts = p.split(separator: ".").map(String.init)
            let matches = schema.columns.filter { Array($0.path.prefix(parts.count)) == parts }
            guard !matches.isEmpty else { throw ParquetError.invalidSchema("no column '\(p)' in the file") }
            for m in matches { selected.insert(m.index) }
        }
        return selected.sorted()
    }
}

/// What a `ParquetReader` has read: bytes and reads of the input, data pages decoded and
/// skipped (those holding no selected row).
public struct ReadStatistics: Sendable, Hashable {
    /// Bytes read from the input (column chunks, page indexes, Bloom filters).
    public var bytesRead = 0
    /// Reads issued to the input.
    public var reads = 0
    /// Data pages decoded.
    public var pagesDecoded = 0
    /// Data pages skipped without decoding.
    public var pagesSkipped = 0
    /// Nothing read yet.
    public init() {}
}

/// The running `ReadStatistics` of a `ParquetReader`, safe to read from any task while it reads.
public final class ReadCounter: Sendable {
    private let state = Mutex(ReadStatistics())

    /// Nothing counted yet.
    public init() {}

    /// What was counted so far.
    public var statistics: ReadStatistics { state.withLock { $0 } }

    /// Adds to the counts.
    func add(_ change: (inout ReadStatistics) -> Void) { state.withLock { change(&$0) } }
}

/// The parts of a column chunk to read for a row selection, from its offset index: the
/// dictionary page (the bytes before the first data page) and the data pages holding selected
/// rows, contiguous pages in one read.
struct PagePlan {
    /// File ranges to read, in order; their bytes back to back are the pages to decode.
    var reads: [Range<Int>] = []
    /// The first row of each data page read.
    var firstRows: [Int] = []
    /// Data pages left out.
    var skippedPages = 0
    var byteCount: Int { reads.reduce(0) { $0 + $1.count } }

    /// Nil when the index does not describe the chunk (pages outside it, rows out of order):
    /// the chunk is then read whole.
    init?(_ index: OffsetIndex, chunk: Range<Int>, rows: RowSelection, groupRows: Int) {
        let pages = index.pageLocations
        guard let first = pages.first, first.firstRowIndex == 0, Int(first.offset) >= chunk.lowerBound else {
            return nil
        }
        if Int(first.offset) > chunk.lowerBound { reads.append(chunk.lowerBound..<Int(first.offset)) }
        var previousEnd = Int(first.offset)
        for (i, p) in pages.enumerated() {
            // Offsets and sizes are checked before they are added: the index may hold anything.
            guard p.offset >= Int64(previousEnd), p.offset <= Int64(chunk.upperBound), p.compressedPageSize > 0,
                Int64(p.compressedPageSize) <= Int64(chunk.upperBound) - p.offset
            else {
                return nil
            }
            let start = Int(p.offset)
            let end = start + Int(p.compressedPageSize)
            let rowStart = Int(p.firstRowIndex)
            let rowEnd = i + 1 < pages.count ? Int(pages[i + 1].firstRowIndex) : groupRows
            guard rowStart <= rowEnd, rowEnd <= groupRows else { return nil }
            previousEnd = end
            guard rows.overlaps(rowStart..<rowEnd) else {
                skippedPages += 1
                continue
            }
            firstRows.append(rowStart)
            if let last = reads.last, last.upperBound == start {
                reads[reads.count - 1] = last.lowerBound..<end
            } else {
                reads.append(start..<end)
            }
        }
    }
}

/// Bounds that protect the reader from malformed files.
public struct ParquetReadLimits: Sendable {
    /// Largest decompressed page.
    public var maxPageSize: Int = 1 << 30
    /// Largest number of values (level entries) in one column chunk.
    public var maxValuesPerChunk: Int = 1 << 28
    /// Largest Thrift binary or container inside headers.
    public var thrift = ThriftLimits(maxBinaryLength: 64 << 20, maxContainerSize: 1 << 24, maxDepth: 32)
    /// Default limits.
    public init() {}
}
