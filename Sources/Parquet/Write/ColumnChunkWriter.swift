import CompressionCodecs
import ThriftCompact

/// Page index entries collected while writing a chunk, serialized before the footer.
struct ChunkPageIndex {
    var columnIndex: ColumnIndex?
    var offsetIndex: OffsetIndex
}

/// One data page's slice of a column chunk.
struct PageSlice {
    var levels: Range<Int>
    var values: Range<Int>
    var firstRow: Int
    var rows: Int
}

/// Where a chunk being written stands: its start in the output, the dictionary page's offset,
/// the bytes it would take uncompressed, and the encodings its pages use.
struct ChunkProgress {
    /// Where the chunk starts in the output buffer.
    let start: Int
    /// The file offset of the output buffer's first byte.
    let fileOffset: Int
    /// The dictionary page's file offset, if the chunk has one.
    var dictionaryPageOffset: Int64? = nil
    /// Headers and bodies before compression.
    var uncompressedBytes = 0
    /// Encodings used, in first-use order.
    var encodings: [Encoding] = []
    /// Page counts by page type and encoding.
    var encodingStats: [PageEncodingStats] = []

    init(start: Int, fileOffset: Int) {
        self.start = start
        self.fileOffset = fileOffset
    }

    /// The file offset the next byte appended to `out` will have.
    func fileOffset(of out: [UInt8]) -> Int64 { Int64(fileOffset + out.count - start) }

    /// Records `count` data pages of `encoding`.
    mutating func noteDataPages(count: Int, encoding: Encoding, v2: Bool) {
        encodingStats.append(
            PageEncodingStats(pageType: v2 ? .dataPageV2 : .dataPage, encoding: encoding, count: Int32(count)))
        if !encodings.contains(encoding) { encodings.append(encoding) }
    }
}

/// One data page's bytes before compression: v1 keeps levels and values in `body`, v2 keeps
/// the levels apart (they are never compressed).
struct PageBuffers {
    /// The part that is compressed: values (and v1's levels).
    var body: [UInt8] = []
    /// v2's repetition and definition levels.
    var levels: [UInt8] = []
}

/// The page index of a chunk, one entry per data page as it is written.
struct PageIndexBuilder {
    private(set) var locations: [PageLocation] = []
    private(set) var nullPages: [Bool] = []
    private(set) var mins: [[UInt8]] = []
    private(set) var maxs: [[UInt8]] = []
    private(set) var nullCounts: [Int64] = []

    /// Adds a page: where it is and its bounds as the index stores them (nil: no value that
    /// orders).
    mutating func add(_ location: PageLocation, page: PageSlice, bounds: (min: [UInt8], max: [UInt8])?) {
        locations.append(location)
        nullPages.append(page.values.isEmpty)
        nullCounts.append(Int64(page.levels.count - page.values.count))
        mins.append(bounds?.min ?? [])
        maxs.append(bounds?.max ?? [])
    }

    /// The offset index.
    var offsetIndex: OffsetIndex { OffsetIndex(pageLocations: locations) }
}

/// Encodes one column chunk (all pages of one leaf in one row group) into bytes.
struct ColumnChunkWriter {
    let column: ColumnDescriptor
    let options: ParquetWriterOptions
    let stats: StatisticsBuilder
    /// Reused output buffer for page compression.
    private var scratch: [UInt8] = []

    init(column: ColumnDescriptor, options: ParquetWriterOptions) {
        self.column = column
        self.options = options
        self.stats = StatisticsBuilder(column: column)
    }

    var pathString: String { column.path.joined(separator: ".") }

    /// Checks that the data fits the column: physical type, widths, level counts and ranges.
    func validate(_ data: ColumnData) throws {
        let name = pathString
        guard data.values.physicalType == column.physicalType else {
            throw ParquetError.invalidData(
                column: name,
                detail: "expected \(column.physicalType.name) values, got \(data.values.physicalType.name)")
        }
        if case .fixedLenByteArray(let f) = data.values, f.width != column.typeLength {
            throw ParquetError.invalidData(
                column: name, detail: "fixed width \(f.width) != type_length \(column.typeLength)")
        }
        if case .byteArray(let b) = data.values {
            guard b.offsets.first == 0, b.offsets.last.map({ Int($0) == b.data.count }) ?? false else {
                throw ParquetError.invalidData(column: name, detail: "byte array offsets do not span the data")
            }
        }
        let maxDef = column.maxDefinitionLevel
        let maxRep = column.maxRepetitionLevel
        if maxDef == 0 {
            guard data.definitionLevels == nil || data.definitionLevels!.allSatisfy({ $0 == 0 }) else {
                throw ParquetError.invalidData(column: name, detail: "definition levels given for a required column")
            }
        }
        if maxRep > 0 {
            guard let reps = data.repetitionLevels else {
                throw ParquetError.invalidData(column: name, detail: "repeated column needs repetition levels")
            }
            guard reps.count == data.levelCount else {
                throw ParquetError.invalidData(
                    column: name, detail: "\(reps.count) repetition levels for \(data.levelCount) slots")
            }
            if let first = reps.first, first != 0 {
                throw ParquetError.invalidData(column: name, detail: "first repetition level must be 0")
            }
            if let bad = reps.first(where: { Int($0) > maxRep }) {
                throw ParquetError.invalidData(column: name, detail: "repetition level \(bad) exceeds \(maxRep)")
            }
        } else if data.repetitionLevels.map({ $0.contains { $0 != 0 } }) ?? false {
            throw ParquetError.invalidData(column: name, detail: "repetition levels given for a non-repeated column")
        }
        if maxDef > 0, let defs = data.definitionLevels {
            var defined = 0
            for d in defs {
                if Int(d) == maxDef {
                    defined += 1
                } else if Int(d) > maxDef {
                    throw ParquetError.invalidData(column: name, detail: "definition level \(d) exceeds \(maxDef)")
                }
            }
            guard defined == data.values.count else {
                throw ParquetError.invalidData(
                    column: name, detail: "\(defined) defined slots but \(data.values.count) values")
            }
        } else if maxDef > 0 {
            throw ParquetError.invalidData(column: name, detail: "optional or nested column needs definition levels")
        }
    }

    /// The value encoding requested for this column, if any.
    private var requestedEncoding: Encoding? { options.columnEncodings[pathString] }

    private var dictionaryEnabled: Bool {
        if let e = requestedEncoding { return e == .rleDictionary || e == .plainDictionary }
        return options.columnDictionary[pathString] ?? options.enableDictionary
    }

    /// Writes the chunk's pages to `out` (whose first byte sits at file offset `fileOffset`):
    /// the dictionary page when the values take one, then each data page (levels, values,
    /// statistics, compression), collecting the page index as it goes.
    mutating func write(_ data: ColumnData, fileOffset: Int, into out: inout [UInt8]) throws -> (
        ColumnChunk, ChunkPageIndex
    ) {
        let dictionary =
            dictionaryEnabled
            ? DictionaryBuilder.build(data.values, maxDictionaryBytes: options.dictionaryPageSizeLimit) : nil
        let valueEncoding = try valueEncoding(dictionary: dictionary)
        var progress = ChunkProgress(start: out.count, fileOffset: fileOffset)
        var indexWidth = 0
        if let dict = dictionary {
            indexWidth = try writeDictionaryPage(dict, progress: &progress, into: &out)
        }
        let dataPageOffset = progress.fileOffset(of: out)
        let pages = slicePages(data, bytesPerValue: dictionary != nil ? Double(max(indexWidth, 1)) / 8 : nil)
        let dictionaryRanks = dictionary.flatMap { stats.ranks(of: $0.dictionary) }
        var pageIndex = PageIndexBuilder()
        var chunkMinMax: MinMax? = nil
        var buffers = PageBuffers()
        for page in pages {
            let levels = encodeLevels(data, page, into: &buffers)
            if let dict = dictionary {
                buffers.body.append(UInt8(indexWidth))
                dict.indices.withUnsafeBufferPointer {
                    RLEHybridEncoder.encode(
                        UnsafeBufferPointer(rebasing: $0[page.values]), width: indexWidth, into: &buffers.body)
                }
            } else {
                try encodeValues(data.values, page.values, valueEncoding, into: &buffers.body)
            }
            var pageMinMax: MinMax? = nil
            if options.writeStatistics {
                if let ranks = dictionaryRanks, let dict = dictionary {
                    pageMinMax = stats.minMax(
                        dictionary: dict.dictionary, ranks: ranks, indices: dict.indices, page.values)
                } else {
                    pageMinMax = stats.minMax(data.values, page.values)
                }
                chunkMinMax = stats.merge(chunkMinMax, pageMinMax)
            }
            let location = try writeDataPage(
                page, buffers, levels: levels, encoding: valueEncoding, minMax: pageMinMax, progress: &progress,
                into: &out)
            pageIndex.add(location, page: page, bounds: pageMinMax.map(indexBounds))
        }
        progress.noteDataPages(count: pages.count, encoding: valueEncoding, v2: options.dataPageVersion == .v2)
        if column.maxDefinitionLevel > 0 || column.maxRepetitionLevel > 0 || options.dataPageVersion != .v2 {
            progress.encodings.append(.rle)
        }
        let chunkStats =
            options.writeStatistics
            ? makeStatistics(chunkMinMax, nullCount: data.levelCount - data.values.count) : nil
        let meta = ColumnMetaData(
            type: column.physicalType, encodings: progress.encodings, pathInSchema: column.path,
            codec: options.compression.kind, numValues: Int64(data.levelCount),
            totalUncompressedSize: Int64(progress.uncompressedBytes),
            totalCompressedSize: Int64(out.count - progress.start), keyValueMetadata: nil,
            dataPageOffset: dataPageOffset, indexPageOffset: nil, dictionaryPageOffset: progress.dictionaryPageOffset,
            statistics: chunkStats, encodingStats: progress.encodingStats, bloomFilterOffset: nil,
            bloomFilterLength: nil)
        let chunk = ColumnChunk(
            filePath: nil, fileOffset: progress.dictionaryPageOffset ?? dataPageOffset, metaData: meta)
        return (chunk, ChunkPageIndex(columnIndex: columnIndex(pageIndex), offsetIndex: pageIndex.offsetIndex))
    }

    /// The encoding of the data pages' values: dictionary indices when a dictionary was built,
    /// else the encoding requested for the column, else PLAIN.
    private func valueEncoding(dictionary: DictionaryBuilder?) throws -> Encoding {
        if dictionary != nil { return .rleDictionary }
        if let e = requestedEncoding, e != .rleDictionary, e != .plainDictionary {
            try checkEncoding(e)
            return e
        }
        return .plain
    }

    /// Writes the dictionary page (PLAIN, compressed); returns the bit width of the indices.
    private mutating func writeDictionaryPage(
        _ dict: DictionaryBuilder, progress: inout ChunkProgress, into out: inout [UInt8]
    ) throws -> Int {
        var body: [UInt8] = []
        body.reserveCapacity(dict.plainSize)
        PlainEncoder.encode(dict.dictionary, range: 0..<dict.dictionary.count, into: &body)
        let compressed = try compressBody(body, options.compression.codec)
        let header = PageHeader(
            type: .dictionaryPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(compressed),
            dictionaryPageHeader: DictionaryPageHeader(
                numValues: Int32(dict.dictionary.count), encoding: .plain, isSorted: nil))
        progress.dictionaryPageOffset = progress.fileOffset(of: out)
        progress.uncompressedBytes +=
            appendPage(header, prefix: [], body: body, bodyLength: compressed, into: &out) + body.count
        progress.encodings.append(.plain)
        progress.encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
        return bitWidth(of: UInt64(max(dict.dictionary.count - 1, 0)))
    }

    /// Encodes a page's repetition and definition levels: into the body with length prefixes
    /// (v1), or into the separate level buffer (v2). Clears both buffers first.
    private func encodeLevels(_ data: ColumnData, _ page: PageSlice, into buffers: inout PageBuffers) -> (
        repetition: Int, definition: Int
    ) {
        buffers.body.removeAll(keepingCapacity: true)
        buffers.levels.removeAll(keepingCapacity: true)
        let v2 = options.dataPageVersion == .v2
        var lengths = (repetition: 0, definition: 0)
        let maxRep = column.maxRepetitionLevel
        let maxDef = column.maxDefinitionLevel
        if maxRep > 0, let reps = data.repetitionLevels {
            lengths.repetition =
                v2
                ? encodeLevels(reps, page.levels, maxRep, prefixed: false, into: &buffers.levels)
                : encodeLevels(reps, page.levels, maxRep, prefixed: true, into: &buffers.body)
        }
        if maxDef > 0, let defs = data.definitionLevels {
            lengths.definition =
                v2
                ? encodeLevels(defs, page.levels, maxDef, prefixed: false, into: &buffers.levels)
                : encodeLevels(defs, page.levels, maxDef, prefixed: true, into: &buffers.body)
        }
        return lengths
    }

    /// Compresses and writes one data page (v1 or v2 header with the page's statistics);
    /// returns its offset-index entry.
    private mutating func writeDataPage(
        _ page: PageSlice, _ buffers: PageBuffers, levels: (repetition: Int, definition: Int), encoding: Encoding,
        minMax: MinMax?, progress: inout ChunkProgress, into out: inout [UInt8]
    ) throws -> PageLocation {
        let nulls = page.levels.count - page.values.count
        let pageStats = options.writeStatistics ? makeStatistics(minMax, nullCount: nulls) : nil
        let uncompressedSize = buffers.levels.count + buffers.body.count
        let compressed = try compressBody(buffers.body, options.compression.codec)
        let bodySize = buffers.levels.count + compressed
        guard uncompressedSize <= Int(Int32.max), bodySize <= Int(Int32.max) else {
            throw ParquetError.invalidData(column: pathString, detail: "a page exceeds 2 GiB; lower the page size")
        }
        var header = PageHeader(
            type: .dataPage, uncompressedPageSize: Int32(uncompressedSize), compressedPageSize: Int32(bodySize))
        if options.dataPageVersion == .v2 {
            header.type = .dataPageV2
            header.dataPageHeaderV2 = DataPageHeaderV2(
                numValues: Int32(page.levels.count), numNulls: Int32(nulls), numRows: Int32(page.rows),
                encoding: encoding, definitionLevelsByteLength: Int32(levels.definition),
                repetitionLevelsByteLength: Int32(levels.repetition),
                isCompressed: options.compression != .uncompressed, statistics: pageStats)
        } else {
            header.dataPageHeader = DataPageHeader(
                numValues: Int32(page.levels.count), encoding: encoding, definitionLevelEncoding: .rle,
                repetitionLevelEncoding: .rle, statistics: pageStats)
        }
        let pageOffset = progress.fileOffset(of: out)
        let headerSize = appendPage(
            header, prefix: buffers.levels, body: buffers.body, bodyLength: compressed, into: &out)
        progress.uncompressedBytes += headerSize + uncompressedSize
        return PageLocation(
            offset: pageOffset, compressedPageSize: Int32(headerSize + bodySize), firstRowIndex: Int64(page.firstRow))
    }

    /// A page's bounds in the column index: truncated, the max left whole when it cannot be
    /// truncated upward.
    private func indexBounds(_ mm: MinMax) -> (min: [UInt8], max: [UInt8]) {
        let t = truncate(mm)
        return (t.min, t.max ?? mm.max)
    }

    /// The column index of the chunk's pages, when statistics are written and every page can
    /// be described (ordered type, no page of only NaN).
    private func columnIndex(_ pages: PageIndexBuilder) -> ColumnIndex? {
        guard options.writeStatistics, column.sortOrder != .undefined,
            !hasUnorderedNaNOnlyPages(pages.nullPages, pages.mins)
        else { return nil }
        return ColumnIndex(
            nullPages: pages.nullPages, minValues: pages.mins, maxValues: pages.maxs,
            boundaryOrder: boundaryOrder(pages.nullPages, pages.mins, pages.maxs), nullCounts: pages.nullCounts)
    }

    /// A page with values but no min/max (only NaN) cannot be described in a column index.
    private func hasUnorderedNaNOnlyPages(_ nullPages: [Bool], _ mins: [[UInt8]]) -> Bool {
        for (i, isNull) in nullPages.enumerated()
        where !isNull && mins[i].isEmpty && column.physicalType != .byteArray
            && column.physicalType != .fixedLenByteArray
        {
            return true
        }
        return false
    }

    private func boundaryOrder(_ nullPages: [Bool], _ mins: [[UInt8]], _ maxs: [[UInt8]]) -> BoundaryOrder {
        var asc = true
        var desc = true
        var prev: Int? = nil
        for i in nullPages.indices where !nullPages[i] {
            if let p = prev {
                if stats.compare(mins[p], mins[i]) > 0 || stats.compare(maxs[p], maxs[i]) > 0 { asc = false }
                if stats.compare(mins[p], mins[i]) < 0 || stats.compare(maxs[p], maxs[i]) < 0 { desc = false }
            }
            prev = i
        }
        if asc { return .ascending }
        if desc { return .descending }
        return .unordered
    }

    private func truncate(_ mm: MinMax) -> (min: [UInt8], minExact: Bool, max: [UInt8]?, maxExact: Bool) {
        guard let limit = options.statisticsTruncateLength else { return (mm.min, true, mm.max, true) }
        return stats.truncated(mm, limit: limit)
    }

    private func makeStatistics(_ mm: MinMax?, nullCount: Int) -> Statistics {
        var s = Statistics(nullCount: Int64(nullCount))
        if let mm {
            let t = truncate(mm)
            s.minValue = t.min
            s.isMinValueExact = t.minExact
            if let hi = t.max {
                s.maxValue = hi
                s.isMaxValueExact = t.maxExact
            }
        }
        return s
    }

    private func checkEncoding(_ e: Encoding) throws {
        let t = column.physicalType
        let ok: Bool
        switch e {
        case .plain: ok = true
        case .deltaBinaryPacked: ok = t == .int32 || t == .int64
        case .deltaLengthByteArray: ok = t == .byteArray
        case .byteStreamSplit: ok = t == .float || t == .double || t == .int32 || t == .int64 || t == .fixedLenByteArray
        case .rle: ok = t == .boolean
        default: ok = false
        }
        guard ok else {
            throw ParquetError.invalidData(
                column: pathString, detail: "encoding \(e.name) cannot be used for \(t.name)")
        }
    }

    private func encodeValues(
        _ values: ColumnValues, _ range: Range<Int>, _ encoding: Encoding, into out: inout [UInt8]
    ) throws {
        switch encoding {
        case .plain:
            PlainEncoder.encode(values, range: range, into: &out)
        case .deltaBinaryPacked:
            switch values {
            case .int32(let v):
                let wide = v[range].map { Int64($0) }
                wide.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, wrap32: true, into: &out) }
            case .int64(let v):
                v.withUnsafeBufferPointer {
                    DeltaBinaryPackedEncoder.encode(UnsafeBufferPointer(rebasing: $0[range]), wrap32: false, into: &out)
                }
            default: try checkEncoding(encoding)
            }
        case .deltaLengthByteArray:
            guard case .byteArray(let b) = values else {
                try checkEncoding(encoding)
                return
            }
            var lengths = [Int64](repeating: 0, count: range.count)
            for (j, i) in range.enumerated() { lengths[j] = Int64(b.offsets[i + 1] - b.offsets[i]) }
            lengths.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, wrap32: true, into: &out) }
            if !range.isEmpty {
                out.append(contentsOf: b.data[Int(b.offsets[range.lowerBound])..<Int(b.offsets[range.upperBound])])
            }
        case .byteStreamSplit:
            var raw: [UInt8] = []
            PlainEncoder.encode(values, range: range, into: &raw)
            let width: Int
            switch values {
            case .float, .int32: width = 4
            case .double, .int64: width = 8
            case .fixedLenByteArray(let f): width = f.width
            default:
                try checkEncoding(encoding)
                return
            }
            raw.withUnsafeBytes { ByteStreamSplit.encode($0, width: width, into: &out) }
        case .rle:
            guard case .boolean(let v) = values else {
                try checkEncoding(encoding)
                return
            }
            let bits = v[range].map { UInt32($0 ? 1 : 0) }
            let lengthAt = out.count
            out.append(contentsOf: [0, 0, 0, 0])
            bits.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, width: 1, into: &out) }
            writeLength(out.count - lengthAt - 4, at: lengthAt, in: &out)
        default:
            try checkEncoding(encoding)
        }
    }

    /// Encodes a page's levels (with the v1 4-byte length prefix when `prefixed`); returns the
    /// encoded length without the prefix.
    private func encodeLevels(
        _ levels: [UInt8], _ range: Range<Int>, _ maxLevel: Int, prefixed: Bool, into buf: inout [UInt8]
    ) -> Int {
        let before = buf.count
        if prefixed { buf.append(contentsOf: [0, 0, 0, 0]) }
        levels.withUnsafeBufferPointer {
            RLEHybridEncoder.encodeLevels(UnsafeBufferPointer(rebasing: $0[range]), maxLevel: maxLevel, into: &buf)
        }
        let length = buf.count - before - (prefixed ? 4 : 0)
        if prefixed { writeLength(length, at: before, in: &buf) }
        return length
    }

    /// Compresses `body` into the reusable `scratch` buffer; returns the length of the body
    /// to write (the body itself when the chunk is uncompressed).
    private mutating func compressBody(_ body: [UInt8], _ codec: CompressionCodec) throws -> Int {
        if options.compression == .uncompressed { return body.count }
        let bound = codec.maxCompressedLength(body.count)
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: max(bound, scratch.count * 2)) }
        do {
            return try body.withUnsafeBytes { input in
                try scratch.withUnsafeMutableBytes { output in try codec.compress(input, into: output) }
            }
        } catch let e as CompressionError {
            throw ParquetError.compression(column: pathString, e)
        }
    }

    private func writeLength(_ n: Int, at i: Int, in buf: inout [UInt8]) {
        buf[i] = UInt8(truncatingIfNeeded: n)
        buf[i + 1] = UInt8(truncatingIfNeeded: n >> 8)
        buf[i + 2] = UInt8(truncatingIfNeeded: n >> 16)
        buf[i + 3] = UInt8(truncatingIfNeeded: n >> 24)
    }

    /// Appends the header, an uncompressed prefix (v2 levels) and the body as returned by
    /// `compressBody` (from `scratch`, or `body` itself when uncompressed); returns the header size.
    private func appendPage(
        _ header: PageHeader, prefix: [UInt8], body: [UInt8], bodyLength: Int, into out: inout [UInt8]
    ) -> Int {
        var w = CompactWriter(capacity: 64)
        header.serialized(into: &w)
        out.append(contentsOf: w.bytes)
        out.append(contentsOf: prefix)
        if options.compression == .uncompressed {
            out.append(contentsOf: body)
        } else {
            scratch.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<bodyLength])) }
        }
        return w.bytes.count
    }

    /// Splits the chunk into pages of about `dataPageSize` bytes, cutting only at record
    /// boundaries (repetition level 0).
    func slicePages(_ data: ColumnData, bytesPerValue: Double?) -> [PageSlice] {
        let levelCount = data.levelCount
        if levelCount == 0 { return [PageSlice(levels: 0..<0, values: 0..<0, firstRow: 0, rows: 0)] }
        let target = max(options.dataPageSize, 1)
        let fixedWidth: Double? = {
            if let b = bytesPerValue { return b }
            switch data.values {
            case .boolean: return 1.0 / 8
            case .int32, .float: return 4
            case .int64, .double: return 8
            case .int96(let f), .fixedLenByteArray(let f): return Double(f.width)
            case .byteArray: return nil
            }
        }()
        let offsets: [Int32]? = {
            if case .byteArray(let b) = data.values, bytesPerValue == nil { return b.offsets }
            return nil
        }()
        if data.definitionLevels == nil && data.repetitionLevels == nil {
            return flatPages(levelCount: levelCount, target: target, fixedWidth: fixedWidth, offsets: offsets ?? [])
        }
        if data.repetitionLevels == nil, let w = fixedWidth {
            return optionalFixedWidthPages(data.definitionLevels ?? [], target: target, width: w)
        }
        return nestedPages(data, target: target, fixedWidth: fixedWidth, offsets: offsets)
    }

    /// A flat required column: a fixed number of rows per page (or byte-sized for strings).
    private func flatPages(levelCount: Int, target: Int, fixedWidth: Double?, offsets: [Int32]) -> [PageSlice] {
        var pages: [PageSlice] = []
        var i = 0
        while i < levelCount {
            var end: Int
            if let w = fixedWidth {
                end = min(levelCount, i + max(1, Int(Double(target) / max(w, 0.01))))
            } else {
                end = i
                let base = Int(offsets[i])
                while end < levelCount && (Int(offsets[end]) - base) + 4 * (end - i) < target { end += 1 }
                if end == i { end = i + 1 }
            }
            pages.append(PageSlice(levels: i..<end, values: i..<end, firstRow: i, rows: end - i))
            i = end
        }
        return pages
    }

    /// One level per row, fixed-width values: a fixed number of rows per page, the values of
    /// each counted.
    private func optionalFixedWidthPages(_ defs: [UInt8], target: Int, width w: Double) -> [PageSlice] {
        let md = UInt8(column.maxDefinitionLevel)
        let perPage = max(1, Int(Double(target) / (w + 0.125)))
        var pages: [PageSlice] = []
        var i = 0
        var valueIndex = 0
        defs.withUnsafeBufferPointer { d in
            while i < d.count {
                let end = min(d.count, i + perPage)
                var n = 0
                for k in i..<end where d[k] == md { n += 1 }
                pages.append(
                    PageSlice(levels: i..<end, values: valueIndex..<valueIndex + n, firstRow: i, rows: end - i))
                valueIndex += n
                i = end
            }
        }
        return pages
    }

    /// Nested or variable-width columns: pages end at a record start once their estimated
    /// size reaches the target.
    private func nestedPages(_ data: ColumnData, target: Int, fixedWidth: Double?, offsets: [Int32]?)
        -> [PageSlice]
    {
        let levelCount = data.levelCount
        let defs = data.definitionLevels ?? []
        let reps = data.repetitionLevels
        let md = UInt8(column.maxDefinitionLevel)
        var pages: [PageSlice] = []
        var levelStart = 0
        var valueStart = 0
        var row = 0
        var firstRow = 0
        var rowsInPage = 0
        var size = 0.0
        var valueIndex = 0
        defs.withUnsafeBufferPointer { d in
            (offsets ?? [0]).withUnsafeBufferPointer { off in
                for i in 0..<levelCount {
                    let isRecordStart = reps == nil || reps![i] == 0
                    if isRecordStart {
                        if i > levelStart && size >= Double(target) {
                            pages.append(
                                PageSlice(
                                    levels: levelStart..<i, values: valueStart..<valueIndex, firstRow: firstRow,
                                    rows: rowsInPage))
                            levelStart = i
                            valueStart = valueIndex
                            firstRow = row
                            rowsInPage = 0
                            size = 0
                        }
                        row += 1
                        rowsInPage += 1
                    }
                    size += 0.25
                    if d.isEmpty || d[i] == md {
                        if let w = fixedWidth {
                            size += w
                        } else {
                            size += Double(4 + Int(off[valueIndex + 1] - off[valueIndex]))
                        }
                        valueIndex += 1
                    }
                }
            }
        }
        pages.append(
            PageSlice(
                levels: levelStart..<levelCount, values: valueStart..<valueIndex, firstRow: firstRow, rows: rowsInPage))
        return pages
    }
}
