import CompressionCodecs
import ThriftCompact

/// Decodes the pages of one column chunk into `ColumnData`: all of them, or only the rows of
/// a selection (pages holding none are skipped undecoded, the others narrowed as they are
/// decoded).
struct ColumnChunkReader: Sendable {
    let column: ColumnDescriptor
    let meta: ColumnMetaData
    let bytes: [UInt8]
    let limits: ParquetReadLimits
    let rowGroupRows: Int
    /// The rows to return (nil: all).
    let selection: RowSelection?
    /// The first row of each data page in `bytes` when the pages were picked through the
    /// offset index (nil: `bytes` is the whole chunk, pages in order from row 0).
    let pageFirstRows: [Int]?
    /// Data pages decoded, and skipped without decoding.
    private(set) var pagesDecoded = 0
    private(set) var pagesSkipped = 0
    private var dataPagesSeen = 0
    /// The first row of the next data page (the current one while it is decoded).
    private var pageFirstRow = 0
    private var position = 0
    private var dictionary: ColumnValues? = nil

    private var values: ColumnValuesBuilder
    private var definitionLevels: [UInt8] = []
    private var repetitionLevels: [UInt8] = []
    private var levelsRead = 0
    private var pageBuffer: [UInt8] = []

    init(
        column: ColumnDescriptor, meta: ColumnMetaData, bytes: [UInt8], limits: ParquetReadLimits, rowGroupRows: Int,
        selection: RowSelection? = nil, pageFirstRows: [Int]? = nil
    ) {
        self.column = column
        self.meta = meta
        self.bytes = bytes
        self.limits = limits
        self.rowGroupRows = rowGroupRows
        self.selection = selection
        self.pageFirstRows = pageFirstRows
        self.values = ColumnValuesBuilder(type: column.physicalType, width: column.typeLength)
    }

    private var name: String { column.path.joined(separator: ".") }

    private func corrupt(_ detail: String) -> ParquetError { .corruptPage(column: name, detail: detail) }

    private var codec: CompressionCodec {
        get throws {
            switch meta.codec {
            case .uncompressed: return .uncompressed
            case .snappy: return .snappy
            case .gzip: return .gzip(level: 6)
            case .zstd: return .zstd(level: 3)
            case .lz4Raw: return .lz4Raw
            case .lz4: return .lz4Hadoop
            case .brotli: return .brotli(quality: 8)
            default: throw ParquetError.unsupported("compression codec \(meta.codec.name) in column '\(name)'")
            }
        }
    }

    mutating func readAll() throws -> ColumnData {
        let total = meta.numValues
        guard total >= 0, total <= Int64(limits.maxValuesPerChunk) else {
            throw corrupt(
                "num_values \(total) exceeds the limit of \(limits.maxValuesPerChunk) values per column chunk")
        }
        let maxDef = column.maxDefinitionLevel
        let maxRep = column.maxRepetitionLevel
        if maxRep == 0 && total != Int64(rowGroupRows) {
            throw corrupt("\(total) values in a non-repeated column of a row group with \(rowGroupRows) rows")
        }
        // Reserve from the footer's counts, but never more than the chunk's bytes could hold
        // at a plausible density: a lying footer cannot force a huge allocation up front.
        let plausible = Int(min(total, min(max(meta.totalUncompressedSize, 0), total) * 8 + 1024))
        if maxDef > 0 { definitionLevels.reserveCapacity(plausible) }
        if maxRep > 0 { repetitionLevels.reserveCapacity(plausible) }
        values.reserve(plausible)
        if column.physicalType == .byteArray {
            // The uncompressed chunk size bounds the value bytes: reserve once, never regrow.
            values.bytes.data.reserveCapacity(Int(min(max(meta.totalUncompressedSize, 0), Int64(limits.maxPageSize))))
        }
        if let selection {
            // Only the pages holding selected rows; a sequential chunk stops after the last one.
            let end = selection.ranges.last?.upperBound ?? 0
            while position < bytes.count && (pageFirstRows != nil || pageFirstRow < end) {
                try readPage()
            }
        } else {
            while levelsRead < Int(total) && position < bytes.count {
                try readPage()
            }
            guard levelsRead == Int(total) else {
                throw corrupt("chunk ends after \(levelsRead) of \(total) values")
            }
        }
        return ColumnData(
            values: values.columnValues(), definitionLevels: maxDef > 0 ? definitionLevels : nil,
            repetitionLevels: maxRep > 0 ? repetitionLevels : nil)
    }

    private mutating func readPage() throws {
        var r = CompactReader(bytes: bytes, range: position..<bytes.count, limits: limits.thrift)
        let header: PageHeader
        do { header = try PageHeader(from: &r) } catch {
            throw ParquetError.thrift(context: "page header in column '\(name)' at chunk offset \(position)", error)
        }
        let bodyStart = r.position
        let compressedSize = Int(header.compressedPageSize)
        let uncompressedSize = Int(header.uncompressedPageSize)
        guard compressedSize >= 0, compressedSize <= bytes.count - bodyStart else {
            throw corrupt(
                "page at chunk offset \(position) claims \(compressedSize) bytes, only \(bytes.count - bodyStart) remain"
            )
        }
        guard uncompressedSize >= 0, uncompressedSize <= limits.maxPageSize else {
            throw corrupt("page at chunk offset \(position) claims \(uncompressedSize) uncompressed bytes")
        }
        position = bodyStart + compressedSize
        let body = bodyStart..<bodyStart + compressedSize
        switch header.type {
        case .dictionaryPage:
            guard let h = header.dictionaryPageHeader else { throw corrupt("dictionary page without its header") }
            guard dictionary == nil else { throw corrupt("second dictionary page") }
            let page = try decompress(body, uncompressedSize)
            guard h.numValues >= 0 else { throw corrupt("negative dictionary size") }
            guard h.encoding == .plain || h.encoding == .plainDictionary else {
                throw ParquetError.unsupported("dictionary page encoding \(h.encoding.name) in column '\(name)'")
            }
            var dict = ColumnValuesBuilder(type: column.physicalType, width: column.typeLength)
            try decodeWrap.run {
                try page.withUnsafeBytes { (raw) throws in
                    try PlainDecoder.decode(raw, start: 0, end: raw.count, count: Int(h.numValues), into: &dict)
                }
            }
            dictionary = dict.columnValues()
        case .dataPage:
            guard let h = header.dataPageHeader else { throw corrupt("data page without its header") }
            // A flat column's v1 page holds one row per level entry.
            guard try startDataPage(rows: column.maxRepetitionLevel == 0 ? Int(h.numValues) : nil) else { return }
            let page = try decompress(body, uncompressedSize)
            try decodeDataPageV1(page, h)
            recycle(page)
        case .dataPageV2:
            guard let h = header.dataPageHeaderV2 else { throw corrupt("data page v2 without its header") }
            guard try startDataPage(rows: Int(h.numRows)) else { return }
            try decodeDataPageV2(body, uncompressedSize, h)
        case .indexPage:
            break
        }
    }

    /// Notes the first row of the data page about to be decoded; false when a selection holds
    /// none of its rows (known from the header's row count) and the page is skipped.
    private mutating func startDataPage(rows: Int?) throws -> Bool {
        guard let selection else { return true }
        if let firsts = pageFirstRows {
            guard dataPagesSeen < firsts.count else { throw corrupt("more data pages than the offset index lists") }
            pageFirstRow = firsts[dataPagesSeen]
        }
        dataPagesSeen += 1
        if let rows, rows >= 0, !selection.overlaps(pageFirstRow..<pageFirstRow + rows) {
            pageFirstRow += rows
            pagesSkipped += 1
            return false
        }
        pagesDecoded += 1
        return true
    }

    /// What a selection keeps of one page: a flag per level entry, a flag per value (entry at
    /// the maximum definition level), and how many entries are kept.
    private struct PageKeep {
        let levels: [Bool]
        let values: [Bool]
        let keptLevels: Int
    }

    /// For the page whose `n` level entries were just appended (`allDefined`: none is null):
    /// what the selection keeps, nil when it keeps the whole page. Moves `pageFirstRow` past
    /// the page.
    private mutating func pageKeep(levelsInPage n: Int, allDefined: Bool) -> PageKeep? {
        guard let selection else { return nil }
        let first = pageFirstRow
        var levels = [Bool](repeating: false, count: n)
        var rows = 0
        var kept = 0
        if column.maxRepetitionLevel == 0 {
            rows = n
            let local = selection.local(to: first..<first + n)
            for r in local { kept += r.count }
            if kept == n {
                pageFirstRow = first + n
                return nil
            }
            levels.withUnsafeMutableBufferPointer { l in
                for r in local { for i in r { l[i] = true } }
            }
        } else {
            repetitionLevels.withUnsafeBufferPointer { reps in
                levels.withUnsafeMutableBufferPointer { l in
                    var row = first - 1
                    var selected = false
                    let base = reps.count - n
                    for i in 0..<n {
                        if reps[base + i] == 0 {
                            row += 1
                            selected = selection.overlaps(row..<row + 1)
                        }
                        l[i] = selected
                        if selected { kept += 1 }
                    }
                    rows = row + 1 - first
                }
            }
            if kept == n {
                pageFirstRow = first + rows
                return nil
            }
        }
        pageFirstRow = first + rows
        let maxDef = column.maxDefinitionLevel
        guard maxDef > 0 && !allDefined else { return PageKeep(levels: levels, values: levels, keptLevels: kept) }
        let md = UInt8(maxDef)
        var values = [Bool](repeating: false, count: n)
        var count = 0
        definitionLevels.withUnsafeBufferPointer { defs in
            levels.withUnsafeBufferPointer { l in
                values.withUnsafeMutableBufferPointer { v in
                    let base = defs.count - n
                    for i in 0..<n where defs[base + i] == md {
                        v[count] = l[i]
                        count += 1
                    }
                }
            }
        }
        values.removeLast(n - count)
        return PageKeep(levels: levels, values: values, keptLevels: kept)
    }

    /// Keeps only the flagged entries among the last `keep.count` of a level array.
    private static func retainTail(_ a: inout [UInt8], _ keep: [Bool]) {
        let start = a.count - keep.count
        var w = start
        a.withUnsafeMutableBufferPointer { p in
            for i in 0..<keep.count where keep[i] {
                p[w] = p[start + i]
                w += 1
            }
        }
        a.removeLast(a.count - w)
    }

    /// Decompresses a page body into the reusable `pageBuffer` (its first `size` bytes).
    private mutating func decompress(_ range: Range<Int>, _ size: Int) throws -> PageBytes {
        let c = try codec
        if case .uncompressed = c {
            guard range.count == size else {
                throw corrupt("uncompressed page is \(range.count) bytes, header says \(size)")
            }
            return PageBytes(storage: bytes, range: range, owned: false)
        }
        var page = pageBuffer
        pageBuffer = []
        // The buffer keeps the size of the largest page so far; its bytes need no zero fill
        // (the codec writes exactly `size` of them or fails).
        if page.count < size { page = [UInt8](unsafeUninitializedCapacity: size) { _, n in n = size } }
        do {
            try bytes.withUnsafeBytes { raw in
                try page.withUnsafeMutableBytes { out in
                    try c.decompress(
                        UnsafeRawBufferPointer(rebasing: raw[range]),
                        into: UnsafeMutableRawBufferPointer(rebasing: out[0..<size]))
                }
            }
        } catch let e as CompressionError {
            throw ParquetError.compression(column: name, e)
        }
        return PageBytes(storage: page, range: 0..<size, owned: true)
    }

    /// Hands a decompressed page buffer back for reuse by the next page (pages read in place
    /// from the chunk are not buffers).
    private mutating func recycle(_ page: PageBytes) {
        if page.owned && page.storage.count > pageBuffer.count { pageBuffer = page.storage }
    }

    /// Runs a decoder, naming the column in its errors. Deliberately not a method: calling a
    /// method on `self` from closures that mutate `self.values` would pass a copy of `self`
    /// and turn every in-place append into a copy of the whole column.
    private var decodeWrap: DecodeErrorWrapper { DecodeErrorWrapper(column: name) }

    private func checkCount(_ n: Int32) throws -> Int {
        guard n >= 0, Int(n) <= Int(meta.numValues) - levelsRead else {
            throw corrupt("page holds \(n) values but the chunk has only \(Int(meta.numValues) - levelsRead) left")
        }
        return Int(n)
    }

    private mutating func decodeDataPageV1(_ page: PageBytes, _ h: DataPageHeader) throws {
        let n = try checkCount(h.numValues)
        let maxDef = column.maxDefinitionLevel
        let maxRep = column.maxRepetitionLevel
        var offset = 0
        try page.withUnsafeBytes { (raw) throws in
            try decodeWrap.run { () throws(DecodeError) in
                if maxRep > 0 {
                    offset = try readLevelsV1(raw, offset, h.repetitionLevelEncoding, maxRep, n, &repetitionLevels)
                }
                if maxDef > 0 {
                    offset = try readLevelsV1(raw, offset, h.definitionLevelEncoding, maxDef, n, &definitionLevels)
                }
            }
        }
        try decodeValues(page, start: offset, levelsInPage: n, encoding: h.encoding)
    }

    private func readLevelsV1(
        _ raw: UnsafeRawBufferPointer, _ offset: Int, _ encoding: Encoding, _ maxLevel: Int, _ n: Int,
        _ out: inout [UInt8]
    ) throws(DecodeError) -> Int {
        switch encoding {
        case .rle:
            var c = ByteCursor(raw, start: offset)
            let length = Int(try c.readUInt32LE())
            guard length <= c.remaining else { throw .truncated("levels claim \(length) bytes, \(c.remaining) remain") }
            try decodeLevels(raw, start: c.position, end: c.position + length, maxLevel: maxLevel, count: n, into: &out)
            return c.position + length
        case .bitPacked:
            return try decodeBitPackedLevels(raw, start: offset, maxLevel: maxLevel, count: n, into: &out)
        default:
            throw .invalid("level encoding \(encoding.name)")
        }
    }

    private mutating func decodeDataPageV2(_ body: Range<Int>, _ uncompressedSize: Int, _ h: DataPageHeaderV2) throws {
        let n = try checkCount(h.numValues)
        let repLength = Int(h.repetitionLevelsByteLength)
        let defLength = Int(h.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count,
            repLength + defLength <= uncompressedSize
        else {
            throw corrupt("level lengths \(repLength)+\(defLength) exceed the page")
        }
        let maxDef = column.maxDefinitionLevel
        let maxRep = column.maxRepetitionLevel
        try bytes.withUnsafeBytes { (raw) throws in
            try decodeWrap.run { () throws(DecodeError) in
                if maxRep > 0 {
                    try decodeLevels(
                        raw, start: body.lowerBound, end: body.lowerBound + repLength, maxLevel: maxRep, count: n,
                        into: &repetitionLevels)
                }
                if maxDef > 0 {
                    let s = body.lowerBound + repLength
                    try decodeLevels(
                        raw, start: s, end: s + defLength, maxLevel: maxDef, count: n, into: &definitionLevels)
                }
            }
        }
        let valuesRange = body.lowerBound + repLength + defLength..<body.upperBound
        let valuesSize = uncompressedSize - repLength - defLength
        let page =
            h.isCompressed
            ? try decompress(valuesRange, valuesSize) : PageBytes(storage: bytes, range: valuesRange, owned: false)
        try decodeValues(page, start: 0, levelsInPage: n, encoding: h.encoding)
        recycle(page)
    }

    /// Decodes the values section of a page; the level arrays already include this page.
    private mutating func decodeValues(_ page: PageBytes, start: Int, levelsInPage n: Int, encoding: Encoding) throws {
        let maxDef = column.maxDefinitionLevel
        var count = n
        if maxDef > 0 {
            count = 0
            let md = UInt8(maxDef)
            definitionLevels.withUnsafeBufferPointer { d in
                for i in d.count - n..<d.count { count &+= d[i] == md ? 1 : 0 }
            }
        }
        levelsRead += n
        guard start <= page.count else { throw corrupt("levels overrun the page") }
        let keep = pageKeep(levelsInPage: n, allDefined: count == n)
        if let keep, keep.keptLevels == 0 {
            // Nothing selected in this page: drop its levels, leave its values undecoded.
            if column.maxDefinitionLevel > 0 { definitionLevels.removeLast(n) }
            if column.maxRepetitionLevel > 0 { repetitionLevels.removeLast(n) }
            return
        }
        let valuesBefore = values.count
        var narrowed = false
        defer {
            if let keep {
                if column.maxDefinitionLevel > 0 {
                    // With no null in the page every entry is the maximum level: keep a count.
                    if count == n {
                        definitionLevels.removeLast(n - keep.keptLevels)
                    } else {
                        Self.retainTail(&definitionLevels, keep.levels)
                    }
                }
                if column.maxRepetitionLevel > 0 { Self.retainTail(&repetitionLevels, keep.levels) }
            }
        }
        try page.withUnsafeBytes { (raw) throws in
            switch encoding {
            case .plain:
                try decodeWrap.run { () throws(DecodeError) in
                    if let keep = keep?.values {
                        try PlainDecoder.decode(
                            raw, start: start, end: raw.count, count: count, keep: keep, into: &values)
                    } else {
                        try PlainDecoder.decode(raw, start: start, end: raw.count, count: count, into: &values)
                    }
                }
                narrowed = true
            case .rleDictionary, .plainDictionary:
                guard let dict = dictionary else { throw corrupt("dictionary-encoded page before any dictionary page") }
                try decodeDictionaryIndices(raw, start: start, count: count, dictionary: dict, keep: keep?.values)
                narrowed = true
            case .deltaBinaryPacked: try decodeDeltaBinaryPacked(raw, start: start, count: count)
            case .deltaLengthByteArray: try decodeDeltaLengthByteArray(raw, start: start, count: count)
            case .deltaByteArray: try decodeDeltaByteArray(raw, start: start, count: count)
            case .byteStreamSplit: try decodeByteStreamSplit(raw, start: start, count: count)
            case .rle: try decodeRLEBooleans(raw, start: start, count: count)
            default:
                throw ParquetError.unsupported("value encoding \(encoding.name) in column '\(name)'")
            }
        }
        if let keep, !narrowed {
            guard values.count - valuesBefore == keep.values.count else {
                throw corrupt(
                    "page decoded \(values.count - valuesBefore) values for \(keep.values.count) defined entries")
            }
            values.retain(from: valuesBefore, keep.values)
        }
    }

    /// DELTA_BINARY_PACKED integers (INT32 or INT64).
    private mutating func decodeDeltaBinaryPacked(_ raw: UnsafeRawBufferPointer, start: Int, count: Int) throws {
        let type = column.physicalType
        guard type == .int32 || type == .int64 else { throw corrupt("DELTA_BINARY_PACKED on \(type.name)") }
        var d = DeltaBinaryPackedDecoder(raw, start: start, end: raw.count)
        var decoded: [Int64] = []
        try decodeWrap.run { () throws(DecodeError) in decoded = try d.decode(limit: count) }
        guard decoded.count == count else {
            throw corrupt("DELTA_BINARY_PACKED holds \(decoded.count) values, expected \(count)")
        }
        if type == .int32 {
            values.int32s.reserveCapacity(values.int32s.count + count)
            for x in decoded { values.int32s.append(Int32(truncatingIfNeeded: x)) }
        } else {
            values.int64s.append(contentsOf: decoded)
        }
    }

    /// DELTA_LENGTH_BYTE_ARRAY: the lengths delta-packed, then the bytes back to back.
    private mutating func decodeDeltaLengthByteArray(_ raw: UnsafeRawBufferPointer, start: Int, count: Int) throws {
        let type = column.physicalType
        guard type == .byteArray else { throw corrupt("DELTA_LENGTH_BYTE_ARRAY on \(type.name)") }
        var d = DeltaBinaryPackedDecoder(raw, start: start, end: raw.count)
        var lengths: [Int64] = []
        try decodeWrap.run { () throws(DecodeError) in lengths = try d.decode(limit: count) }
        guard lengths.count == count else {
            throw corrupt("DELTA_LENGTH_BYTE_ARRAY holds \(lengths.count) lengths, expected \(count)")
        }
        try appendByteArrays(raw, dataStart: d.position, lengths: lengths, prefixes: nil)
    }

    /// DELTA_BYTE_ARRAY: prefix lengths and suffix lengths delta-packed, then the suffixes.
    private mutating func decodeDeltaByteArray(_ raw: UnsafeRawBufferPointer, start: Int, count: Int) throws {
        let type = column.physicalType
        guard type == .byteArray || type == .fixedLenByteArray else {
            throw corrupt("DELTA_BYTE_ARRAY on \(type.name)")
        }
        var p = DeltaBinaryPackedDecoder(raw, start: start, end: raw.count)
        var prefixes: [Int64] = []
        var lengths: [Int64] = []
        try decodeWrap.run { () throws(DecodeError) in prefixes = try p.decode(limit: count) }
        var s = DeltaBinaryPackedDecoder(raw, start: p.position, end: raw.count)
        try decodeWrap.run { () throws(DecodeError) in lengths = try s.decode(limit: count) }
        guard prefixes.count == count, lengths.count == count else {
            throw corrupt("DELTA_BYTE_ARRAY value count mismatch")
        }
        try appendByteArrays(raw, dataStart: s.position, lengths: lengths, prefixes: prefixes)
    }

    /// BYTE_STREAM_SPLIT: the values' bytes regrouped, then read as PLAIN.
    private mutating func decodeByteStreamSplit(_ raw: UnsafeRawBufferPointer, start: Int, count: Int) throws {
        let w: Int
        switch column.physicalType {
        case .float, .int32: w = 4
        case .double, .int64: w = 8
        case .fixedLenByteArray: w = column.typeLength
        default: throw corrupt("BYTE_STREAM_SPLIT on \(column.physicalType.name)")
        }
        var plain: [UInt8] = []
        try decodeWrap.run { () throws(DecodeError) in
            plain = try ByteStreamSplit.decode(UnsafeRawBufferPointer(rebasing: raw[start...]), count: count, width: w)
        }
        try plain.withUnsafeBytes { (p) throws in
            try decodeWrap.run { () throws(DecodeError) in
                try PlainDecoder.decode(p, start: 0, end: p.count, count: count, into: &values)
            }
        }
    }

    /// RLE booleans: a 4-byte length, then an RLE/bit-packed run of width 1.
    private mutating func decodeRLEBooleans(_ raw: UnsafeRawBufferPointer, start: Int, count: Int) throws {
        guard column.physicalType == .boolean else { throw corrupt("RLE values on \(column.physicalType.name)") }
        var bits = [UInt32](repeating: 0, count: count)
        try decodeWrap.run { () throws(DecodeError) in
            var c = ByteCursor(raw, start: start)
            let length = Int(try c.readUInt32LE())
            guard length <= c.remaining else { throw .truncated("RLE boolean run") }
            var d = RLEHybridDecoder(raw, start: c.position, end: c.position + length, width: 1)
            try bits.withUnsafeMutableBufferPointer { (b) throws(DecodeError) in
                try d.decode(into: b.baseAddress!, count: count)
            }
        }
        values.booleans.append(contentsOf: bits.map { $0 != 0 })
    }

    private mutating func appendByteArrays(
        _ raw: UnsafeRawBufferPointer, dataStart: Int, lengths: [Int64], prefixes: [Int64]?
    ) throws {
        var pos = dataStart
        var previous: [UInt8] = []
        let fixedWidth: Int? = column.physicalType == .fixedLenByteArray ? values.width : nil
        for (i, l) in lengths.enumerated() {
            guard l >= 0, l <= Int64(raw.count - pos) else {
                throw corrupt("byte array of length \(l) overruns the page")
            }
            let len = Int(l)
            if let prefixes {
                let p = prefixes[i]
                guard p >= 0, p <= Int64(previous.count) else {
                    throw corrupt("DELTA_BYTE_ARRAY prefix \(p) longer than the previous value")
                }
                var value = Array(previous[0..<Int(p)])
                value.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[pos..<pos + len]))
                if let w = fixedWidth {
                    guard value.count == w else {
                        throw corrupt("value of \(value.count) bytes in a FIXED_LEN_BYTE_ARRAY(\(w)) column")
                    }
                    values.fixed.append(contentsOf: value)
                } else {
                    values.bytes.append(value)
                }
                previous = value
            } else {
                values.bytes.append(UnsafeRawBufferPointer(rebasing: raw[pos..<pos + len]))
            }
            pos += len
        }
        guard values.bytes.data.count <= Int(Int32.max) else {
            throw corrupt("column chunk holds more than 2 GiB of byte arrays")
        }
    }

    /// Decodes dictionary indices and appends the entries they name; with `keep` (one flag per
    /// value), only the flagged ones.
    private mutating func decodeDictionaryIndices(
        _ raw: UnsafeRawBufferPointer, start: Int, count: Int, dictionary dict: ColumnValues, keep: [Bool]?
    ) throws {
        guard count > 0 else { return }
        guard start < raw.count else { throw corrupt("dictionary page lacks the index bit width") }
        let width = Int(raw[start])
        guard width <= 32 else { throw corrupt("dictionary index bit width \(width)") }
        // Every index is written by the decoder (or it throws and the array is dropped).
        var indices = [UInt32](unsafeUninitializedCapacity: count) { _, n in n = count }
        try decodeWrap.run { () throws(DecodeError) in
            var d = RLEHybridDecoder(raw, start: start + 1, end: raw.count, width: width)
            try indices.withUnsafeMutableBufferPointer { (b) throws(DecodeError) in
                try d.decode(into: b.baseAddress!, count: count)
            }
        }
        let dictCount = dict.count
        var maxIndex: UInt32 = 0
        for i in indices where i > maxIndex { maxIndex = i }
        guard Int(maxIndex) < dictCount else {
            throw corrupt("dictionary index \(maxIndex) out of range (dictionary has \(dictCount) entries)")
        }
        if let keep {
            var w = 0
            indices.withUnsafeMutableBufferPointer { p in
                for i in 0..<count where keep[i] {
                    p[w] = p[i]
                    w += 1
                }
            }
            indices.removeLast(count - w)
        }
        Self.gather(dict, indices, into: &values)
    }

    private static func gatherFixed<T: BitwiseCopyable>(_ d: [T], _ idx: [UInt32], _ out: inout [T]) {
        out.appendInPlace(count: idx.count) { o in
            d.withUnsafeBufferPointer { dp in
                idx.withUnsafeBufferPointer { ip in
                    for k in 0..<ip.count { o[k] = dp[Int(ip[k])] }
                }
            }
        }
    }

    /// Appends the dictionary entries named by `idx` (already bounds-checked) to the buffers.
    private static func gather(_ dict: ColumnValues, _ idx: [UInt32], into out: inout ColumnValuesBuilder) {
        switch dict {
        case .int32(let d): gatherFixed(d, idx, &out.int32s)
        case .int64(let d): gatherFixed(d, idx, &out.int64s)
        case .float(let d): gatherFixed(d, idx, &out.floats)
        case .double(let d): gatherFixed(d, idx, &out.doubles)
        case .boolean(let d): gatherFixed(d, idx, &out.booleans)
        case .byteArray(let d):
            var total = 0
            d.offsets.withUnsafeBufferPointer { off in
                idx.withUnsafeBufferPointer { ip in
                    for i in ip { total += Int(off[Int(i) + 1] - off[Int(i)]) }
                }
            }
            var end = out.bytes.data.count
            out.bytes.offsets.appendInPlace(count: idx.count) { offs in
                out.bytes.data.appendInPlace(count: total) { dst in
                    d.data.withUnsafeBytes { src in
                        d.offsets.withUnsafeBufferPointer { off in
                            idx.withUnsafeBufferPointer { ip in
                                var o = UnsafeMutableRawPointer(dst.baseAddress)  // nil: all empty
                                for k in 0..<ip.count {
                                    let e = Int(ip[k])
                                    let s = Int(off[e])
                                    let len = Int(off[e + 1]) - s
                                    if len > 0 {
                                        o!.copyMemory(from: src.baseAddress! + s, byteCount: len)
                                        o! += len
                                    }
                                    end += len
                                    offs[k] = Int32(truncatingIfNeeded: end)
                                }
                            }
                        }
                    }
                }
            }
        case .fixedLenByteArray(let d), .int96(let d):
            out.fixed.reserveCapacity(out.fixed.count + idx.count * d.width)
            for i in idx { out.fixed.append(contentsOf: d[Int(i)]) }
        }
    }
}

/// The bytes of one page: a region of the chunk itself (uncompressed pages) or a decompressed
/// buffer (`owned`, reused for the next page).
struct PageBytes {
    let storage: [UInt8]
    let range: Range<Int>
    let owned: Bool
    var count: Int { range.count }

    /// The page's bytes, offsets from its start.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}

/// Maps low-level decoding errors to `ParquetError.corruptPage` for one column.
struct DecodeErrorWrapper {
    let column: String

    func run(_ body: () throws -> Void) throws {
        do { try body() } catch let e as DecodeError {
            throw ParquetError.corruptPage(column: column, detail: e.description)
        }
    }
}
