import ThriftCompact

// Thrift compact encoding and decoding of the parquet.thrift structures.
// Field ids follow apache/parquet-format's parquet.thrift.

extension CompactReader {
    mutating func readEnum<E: RawRepresentable>(_: E.Type, _ what: String) throws(ThriftError) -> E
    where E.RawValue == Int32 {
        let raw = try readI32()
        guard let value = E(rawValue: raw) else { throw .invalidValue("unknown \(what) \(raw)") }
        return value
    }

    mutating func readList<T>(_ read: (inout CompactReader) throws(ThriftError) -> T) throws(ThriftError) -> [T] {
        let (_, count) = try readListHeader()
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try read(&self)) }
        return out
    }

    /// Reads a struct whose fields are dispatched to `body`; `body` returns false for unknown ids.
    mutating func readStruct(_ body: (inout CompactReader, Int16, CompactType) throws(ThriftError) -> Bool)
        throws(ThriftError)
    {
        try beginStruct()
        while let (id, type) = try readFieldHeader() {
            if !(try body(&self, id, type)) { try skip(type) }
        }
        endStruct()
    }
}

@inline(__always)
func require<T>(_ value: T?, _ structName: String, _ field: String) throws(ThriftError) -> T {
    guard let v = value else { throw .missingField(structName: structName, field: field) }
    return v
}

extension Statistics {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        if let v = legacyMax { w.write(field: 1, v) }
        if let v = legacyMin { w.write(field: 2, v) }
        if let v = nullCount { w.write(field: 3, v) }
        if let v = distinctCount { w.write(field: 4, v) }
        if let v = maxValue { w.write(field: 5, v) }
        if let v = minValue { w.write(field: 6, v) }
        if let v = isMaxValueExact { w.write(field: 7, v) }
        if let v = isMinValueExact { w.write(field: 8, v) }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var s = Statistics()
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: s.legacyMax = try r.readBinary()
            case 2: s.legacyMin = try r.readBinary()
            case 3: s.nullCount = try r.readI64()
            case 4: s.distinctCount = try r.readI64()
            case 5: s.maxValue = try r.readBinary()
            case 6: s.minValue = try r.readBinary()
            case 7: s.isMaxValueExact = try r.readBool()
            case 8: s.isMinValueExact = try r.readBool()
            default: return false
            }
            return true
        }
        self = s
    }
}

extension TimeUnit {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        switch self {
        case .millis: w.beginStructField(1)
        case .micros: w.beginStructField(2)
        case .nanos: w.beginStructField(3)
        }
        w.endStruct()
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var unit: TimeUnit?
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: return false
            }
            try r.skip(type)
            return true
        }
        self = try require(unit, "TimeUnit", "unit")
    }
}

extension LogicalType {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        func empty(_ id: Int16, _ w: inout CompactWriter) {
            w.beginStructField(id)
            w.endStruct()
        }
        switch self {
        case .string: empty(1, &w)
        case .map: empty(2, &w)
        case .list: empty(3, &w)
        case .enum: empty(4, &w)
        case .decimal(let p, let s):
            w.beginStructField(5)
            w.write(field: 1, s)
            w.write(field: 2, p)
            w.endStruct()
        case .date: empty(6, &w)
        case .time(let utc, let unit):
            w.beginStructField(7)
            w.write(field: 1, utc)
            w.writeFieldHeader(2, .struct)
            unit.write(to: &w)
            w.endStruct()
        case .timestamp(let utc, let unit):
            w.beginStructField(8)
            w.write(field: 1, utc)
            w.writeFieldHeader(2, .struct)
            unit.write(to: &w)
            w.endStruct()
        case .integer(let bits, let signed):
            w.beginStructField(10)
            w.write(field: 1, bits)
            w.write(field: 2, signed)
            w.endStruct()
        case .unknown: empty(11, &w)
        case .json: empty(12, &w)
        case .bson: empty(13, &w)
        case .uuid: empty(14, &w)
        case .float16: empty(15, &w)
        case .variant: empty(16, &w)
        case .other(let id): empty(id, &w)
        }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var result: LogicalType?
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch id {
            case 5:
                var scale: Int32?
                var precision: Int32?
                try r.readStruct { (r, id, _) throws(ThriftError) in
                    switch id {
                    case 1: scale = try r.readI32()
                    case 2: precision = try r.readI32()
                    default: return false
                    }
                    return true
                }
                result = .decimal(
                    precision: try require(precision, "DecimalType", "precision"),
                    scale: try require(scale, "DecimalType", "scale"))
            case 7, 8:
                var utc: Bool?
                var unit: TimeUnit?
                try r.readStruct { (r, fid, _) throws(ThriftError) in
                    switch fid {
                    case 1: utc = try r.readBool()
                    case 2: unit = try TimeUnit(from: &r)
                    default: return false
                    }
                    return true
                }
                let u = try require(utc, id == 7 ? "TimeType" : "TimestampType", "isAdjustedToUTC")
                let un = try require(unit, id == 7 ? "TimeType" : "TimestampType", "unit")
                result = id == 7 ? .time(isAdjustedToUTC: u, unit: un) : .timestamp(isAdjustedToUTC: u, unit: un)
            case 10:
                var bits: Int8?
                var signed: Bool?
                try r.readStruct { (r, id, _) throws(ThriftError) in
                    switch id {
                    case 1: bits = try r.readByte()
                    case 2: signed = try r.readBool()
                    default: return false
                    }
                    return true
                }
                result = .integer(
                    bitWidth: try require(bits, "IntType", "bitWidth"),
                    isSigned: try require(signed, "IntType", "isSigned"))
            default:
                try r.skip(type)
                switch id {
                case 1: result = .string
                case 2: result = .map
                case 3: result = .list
                case 4: result = .enum
                case 6: result = .date
                case 11: result = .unknown
                case 12: result = .json
                case 13: result = .bson
                case 14: result = .uuid
                case 15: result = .float16
                case 16: result = .variant
                default: result = .other(fieldId: id)
                }
            }
            return true
        }
        self = try require(result, "LogicalType", "a member")
    }
}

extension SchemaElement {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        if let v = type { w.write(field: 1, v.rawValue) }
        if let v = typeLength { w.write(field: 2, v) }
        if let v = repetition { w.write(field: 3, v.rawValue) }
        w.write(field: 4, name)
        if let v = numChildren { w.write(field: 5, v) }
        if let v = convertedType { w.write(field: 6, v.rawValue) }
        if let v = scale { w.write(field: 7, v) }
        if let v = precision { w.write(field: 8, v) }
        if let v = fieldId { w.write(field: 9, v) }
        if let v = logicalType {
            w.writeFieldHeader(10, .struct)
            v.write(to: &w)
        }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var e = SchemaElement(name: "")
        var hasName = false
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: e.type = try r.readEnum(PhysicalType.self, "physical type")
            case 2: e.typeLength = try r.readI32()
            case 3: e.repetition = try r.readEnum(Repetition.self, "repetition type")
            case 4:
                e.name = try r.readString()
                hasName = true
            case 5: e.numChildren = try r.readI32()
            case 6: e.convertedType = ConvertedType(rawValue: try r.readI32())
            case 7: e.scale = try r.readI32()
            case 8: e.precision = try r.readI32()
            case 9: e.fieldId = try r.readI32()
            case 10: e.logicalType = try LogicalType(from: &r)
            default: return false
            }
            return true
        }
        guard hasName else { throw .missingField(structName: "SchemaElement", field: "name") }
        self = e
    }
}

extension KeyValue {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        w.write(field: 1, key)
        if let v = value { w.write(field: 2, v) }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var key: String?
        var value: String?
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: key = try r.readString()
            case 2: value = try r.readString()
            default: return false
            }
            return true
        }
        self.init(key: try require(key, "KeyValue", "key"), value: value)
    }
}

func writeKeyValues(_ kvs: [KeyValue], field: Int16, to w: inout CompactWriter) {
    w.beginListField(field, elementType: .struct, count: kvs.count)
    for kv in kvs { kv.write(to: &w) }
}

extension ColumnMetaData {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        w.write(field: 1, type.rawValue)
        w.beginListField(2, elementType: .i32, count: encodings.count)
        for e in encodings { w.writeI32(e.rawValue) }
        w.beginListField(3, elementType: .binary, count: pathInSchema.count)
        for p in pathInSchema { w.writeString(p) }
        w.write(field: 4, codec.rawValue)
        w.write(field: 5, numValues)
        w.write(field: 6, totalUncompressedSize)
        w.write(field: 7, totalCompressedSize)
        if let kvs = keyValueMetadata { writeKeyValues(kvs, field: 8, to: &w) }
        w.write(field: 9, dataPageOffset)
        if let v = indexPageOffset { w.write(field: 10, v) }
        if let v = dictionaryPageOffset { w.write(field: 11, v) }
        if let s = statistics {
            w.writeFieldHeader(12, .struct)
            s.write(to: &w)
        }
        if let stats = encodingStats {
            w.beginListField(13, elementType: .struct, count: stats.count)
            for s in stats {
                w.beginStruct()
                w.write(field: 1, s.pageType.rawValue)
                w.write(field: 2, s.encoding.rawValue)
                w.write(field: 3, s.count)
                w.endStruct()
            }
        }
        if let v = bloomFilterOffset { w.write(field: 14, v) }
        if let v = bloomFilterLength { w.write(field: 15, v) }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var type: PhysicalType?
        var encodings: [Encoding]?
        var path: [String]?
        var codec: CompressionKind?
        var numValues: Int64?
        var unc: Int64?
        var comp: Int64?
        var dataOffset: Int64?
        var kv: [KeyValue]?
        var indexOffset: Int64?
        var dictOffset: Int64?
        var stats: Statistics?
        var encStats: [PageEncodingStats]?
        var bloomOffset: Int64?
        var bloomLength: Int32?
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: type = try r.readEnum(PhysicalType.self, "physical type")
            case 2:
                // Encodings this reader does not know are left out.
                let (_, count) = try r.readListHeader()
                var known: [Encoding] = []
                known.reserveCapacity(count)
                for _ in 0..<count { if let e = Encoding(rawValue: try r.readI32()) { known.append(e) } }
                encodings = known
            case 3: path = try r.readList { (r) throws(ThriftError) in try r.readString() }
            case 4: codec = try r.readEnum(CompressionKind.self, "compression codec")
            case 5: numValues = try r.readI64()
            case 6: unc = try r.readI64()
            case 7: comp = try r.readI64()
            case 8: kv = try r.readList { (r) throws(ThriftError) in try KeyValue(from: &r) }
            case 9: dataOffset = try r.readI64()
            case 10: indexOffset = try r.readI64()
            case 11: dictOffset = try r.readI64()
            case 12: stats = try Statistics(from: &r)
            case 13:
                // Entries of page types or encodings this reader does not know are left out.
                let (_, count) = try r.readListHeader()
                var known: [PageEncodingStats] = []
                known.reserveCapacity(count)
                for _ in 0..<count {
                    var pt: PageType?
                    var enc: Encoding?
                    var pages: Int32?
                    try r.readStruct { (r, id, _) throws(ThriftError) in
                        switch id {
                        case 1: pt = PageType(rawValue: try r.readI32())
                        case 2: enc = Encoding(rawValue: try r.readI32())
                        case 3: pages = try r.readI32()
                        default: return false
                        }
                        return true
                    }
                    if let pt, let enc, let pages {
                        known.append(PageEncodingStats(pageType: pt, encoding: enc, count: pages))
                    }
                }
                encStats = known
            case 14: bloomOffset = try r.readI64()
            case 15: bloomLength = try r.readI32()
            default: return false
            }
            return true
        }
        let n = "ColumnMetaData"
        self.init(
            type: try require(type, n, "type"), encodings: try require(encodings, n, "encodings"),
            pathInSchema: try require(path, n, "path_in_schema"), codec: try require(codec, n, "codec"),
            numValues: try require(numValues, n, "num_values"),
            totalUncompressedSize: try require(unc, n, "total_uncompressed_size"),
            totalCompressedSize: try require(comp, n, "total_compressed_size"), keyValueMetadata: kv,
            dataPageOffset: try require(dataOffset, n, "data_page_offset"), indexPageOffset: indexOffset,
            dictionaryPageOffset: dictOffset, statistics: stats, encodingStats: encStats,
            bloomFilterOffset: bloomOffset, bloomFilterLength: bloomLength)
    }
}

extension ColumnChunk {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        if let v = filePath { w.write(field: 1, v) }
        w.write(field: 2, fileOffset)
        if let m = metaData {
            w.writeFieldHeader(3, .struct)
            m.write(to: &w)
        }
        if let v = offsetIndexOffset { w.write(field: 4, v) }
        if let v = offsetIndexLength { w.write(field: 5, v) }
        if let v = columnIndexOffset { w.write(field: 6, v) }
        if let v = columnIndexLength { w.write(field: 7, v) }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        // Fields are set in place (a footer holds one chunk per column per row group).
        self.init(fileOffset: 0)
        try r.beginStruct()
        while let (id, type) = try r.readFieldHeader() {
            switch id {
            case 1: filePath = try r.readString()
            case 2: fileOffset = try r.readI64()
            case 3: metaData = try ColumnMetaData(from: &r)
            case 4: offsetIndexOffset = try r.readI64()
            case 5: offsetIndexLength = try r.readI32()
            case 6: columnIndexOffset = try r.readI64()
            case 7: columnIndexLength = try r.readI32()
            default: try r.skip(type)
            }
        }
        r.endStruct()
    }
}

extension RowGroup {
    func write(to w: inout CompactWriter) {
        w.beginStruct()
        w.beginListField(1, elementType: .struct, count: columns.count)
        for c in columns { c.write(to: &w) }
        w.write(field: 2, totalByteSize)
        w.write(field: 3, numRows)
        if let sc = sortingColumns {
            w.beginListField(4, elementType: .struct, count: sc.count)
            for s in sc {
                w.beginStruct()
                w.write(field: 1, s.columnIndex)
                w.write(field: 2, s.descending)
                w.write(field: 3, s.nullsFirst)
                w.endStruct()
            }
        }
        if let v = fileOffset { w.write(field: 5, v) }
        if let v = totalCompressedSize { w.write(field: 6, v) }
        if let v = ordinal { w.write(field: 7, v) }
        w.endStruct()
    }

    init(from r: inout CompactReader) throws(ThriftError) {
        var columns: [ColumnChunk]?
        var total: Int64?
        var rows: Int64?
        self.init(columns: [], totalByteSize: 0, numRows: 0)
        try r.beginStruct()
        while let (id, type) = try r.readFieldHeader() {
            switch id {
            case 1: columns = try r.readList { (r) throws(ThriftError) in try ColumnChunk(from: &r) }
            case 2: total = try r.readI64()
            case 3: rows = try r.readI64()
            case 4:
                sortingColumns = try r.readList { (r) throws(ThriftError) in
                    var idx: Int32 = 0
                    var desc = false
                    var nf = false
                    try r.readStruct { (r, id, _) throws(ThriftError) in
                        switch id {
                        case 1: idx = try r.readI32()
                        case 2: desc = try r.readBool()
                        case 3: nf = try r.readBool()
                        default: return false
                        }
                        return true
                    }
                    return SortingColumn(columnIndex: idx, descending: desc, nullsFirst: nf)
                }
            case 5: fileOffset = try r.readI64()
            case 6: totalCompressedSize = try r.readI64()
            case 7: ordinal = try r.readI16()
            default: try r.skip(type)
            }
        }
        r.endStruct()
        self.columns = try require(columns, "RowGroup", "columns")
        totalByteSize = try require(total, "RowGroup", "total_byte_size")
        numRows = try require(rows, "RowGroup", "num_rows")
    }
}

extension FileMetaData {
    /// Serializes the footer in Thrift compact form.
    public func serialized() -> [UInt8] {
        var w = CompactWriter(capacity: 1024)
        w.write(field: 1, version)
        w.beginListField(2, elementType: .struct, count: schema.count)
        for e in schema { e.write(to: &w) }
        w.write(field: 3, numRows)
        w.beginListField(4, elementType: .struct, count: rowGroups.count)
        for g in rowGroups { g.write(to: &w) }
        if let kvs = keyValueMetadata { writeKeyValues(kvs, field: 5, to: &w) }
        if let v = createdBy { w.write(field: 6, v) }
        if let orders = columnOrders {
            w.beginListField(7, elementType: .struct, count: orders.count)
            for _ in orders {
                w.beginStruct()
                w.beginStructField(1)  // TYPE_ORDER: TypeDefinedOrder
                w.endStruct()
                w.endStruct()
            }
        }
        w.endStruct()
        return w.bytes
    }

    /// Decodes a footer from Thrift compact bytes.
    public init(thrift bytes: [UInt8], range: Range<Int>? = nil) throws(ThriftError) {
        var r = CompactReader(bytes: bytes, range: range)
        var version: Int32?
        var schema: [SchemaElement]?
        var rows: Int64?
        var groups: [RowGroup]?
        var kvs: [KeyValue]?
        var createdBy: String?
        var orders: [Bool]?
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: version = try r.readI32()
            case 2: schema = try r.readList { (r) throws(ThriftError) in try SchemaElement(from: &r) }
            case 3: rows = try r.readI64()
            case 4: groups = try r.readList { (r) throws(ThriftError) in try RowGroup(from: &r) }
            case 5: kvs = try r.readList { (r) throws(ThriftError) in try KeyValue(from: &r) }
            case 6: createdBy = try r.readString()
            case 7:
                orders = try r.readList { (r) throws(ThriftError) in
                    var typeDefined = false
                    try r.readStruct { (r, id, type) throws(ThriftError) in
                        if id == 1 { typeDefined = true }
                        try r.skip(type)
                        return true
                    }
                    return typeDefined
                }
            default: return false
            }
            return true
        }
        let n = "FileMetaData"
        self.init(
            version: try require(version, n, "version"), schema: try require(schema, n, "schema"),
            numRows: try require(rows, n, "num_rows"), rowGroups: try require(groups, n, "row_groups"),
            keyValueMetadata: kvs, createdBy: createdBy, columnOrders: orders)
    }
}

extension PageHeader {
    /// Serializes the page header.
    public func serialized(into w: inout CompactWriter) {
        w.write(field: 1, type.rawValue)
        w.write(field: 2, uncompressedPageSize)
        w.write(field: 3, compressedPageSize)
        if let v = crc { w.write(field: 4, v) }
        if let h = dataPageHeader {
            w.beginStructField(5)
            w.write(field: 1, h.numValues)
            w.write(field: 2, h.encoding.rawValue)
            w.write(field: 3, h.definitionLevelEncoding.rawValue)
            w.write(field: 4, h.repetitionLevelEncoding.rawValue)
            if let s = h.statistics {
                w.writeFieldHeader(5, .struct)
                s.write(to: &w)
            }
            w.endStruct()
        }
        if let h = dictionaryPageHeader {
            w.beginStructField(7)
            w.write(field: 1, h.numValues)
            w.write(field: 2, h.encoding.rawValue)
            if let v = h.isSorted { w.write(field: 3, v) }
            w.endStruct()
        }
        if let h = dataPageHeaderV2 {
            w.beginStructField(8)
            w.write(field: 1, h.numValues)
            w.write(field: 2, h.numNulls)
            w.write(field: 3, h.numRows)
            w.write(field: 4, h.encoding.rawValue)
            w.write(field: 5, h.definitionLevelsByteLength)
            w.write(field: 6, h.repetitionLevelsByteLength)
            w.write(field: 7, h.isCompressed)
            if let s = h.statistics {
                w.writeFieldHeader(8, .struct)
                s.write(to: &w)
            }
            w.endStruct()
        }
        w.endStruct()
    }

    /// Decodes a page header from the reader's position.
    public init(from r: inout CompactReader) throws(ThriftError) {
        var type: PageType?
        var unc: Int32?
        var comp: Int32?
        var h = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: type = try r.readEnum(PageType.self, "page type")
            case 2: unc = try r.readI32()
            case 3: comp = try r.readI32()
            case 4: h.crc = try r.readI32()
            case 5:
                var n: Int32?
                var e: Encoding?
                var de: Encoding?
                var re: Encoding?
                var s: Statistics?
                try r.readStruct { (r, id, _) throws(ThriftError) in
                    switch id {
                    case 1: n = try r.readI32()
                    case 2: e = try r.readEnum(Encoding.self, "encoding")
                    case 3: de = try r.readEnum(Encoding.self, "encoding")
                    case 4: re = try r.readEnum(Encoding.self, "encoding")
                    case 5: s = try Statistics(from: &r)
                    default: return false
                    }
                    return true
                }
                let sn = "DataPageHeader"
                h.dataPageHeader = DataPageHeader(
                    numValues: try require(n, sn, "num_values"), encoding: try require(e, sn, "encoding"),
                    definitionLevelEncoding: try require(de, sn, "definition_level_encoding"),
                    repetitionLevelEncoding: try require(re, sn, "repetition_level_encoding"), statistics: s)
            case 7:
                var n: Int32?
                var e: Encoding?
                var sorted: Bool?
                try r.readStruct { (r, id, _) throws(ThriftError) in
                    switch id {
                    case 1: n = try r.readI32()
                    case 2: e = try r.readEnum(Encoding.self, "encoding")
                    case 3: sorted = try r.readBool()
                    default: return false
                    }
                    return true
                }
                h.dictionaryPageHeader = DictionaryPageHeader(
                    numValues: try require(n, "DictionaryPageHeader", "num_values"),
                    encoding: try require(e, "DictionaryPageHeader", "encoding"), isSorted: sorted)
            case 8:
                var n: Int32?
                var nulls: Int32?
                var rows: Int32?
                var e: Encoding?
                var dl: Int32?
                var rl: Int32?
                var compressed = true
                var s: Statistics?
                try r.readStruct { (r, id, _) throws(ThriftError) in
                    switch id {
                    case 1: n = try r.readI32()
                    case 2: nulls = try r.readI32()
                    case 3: rows = try r.readI32()
                    case 4: e = try r.readEnum(Encoding.self, "encoding")
                    case 5: dl = try r.readI32()
                    case 6: rl = try r.readI32()
                    case 7: compressed = try r.readBool()
                    case 8: s = try Statistics(from: &r)
                    default: return false
                    }
                    return true
                }
                let sn = "DataPageHeaderV2"
                h.dataPageHeaderV2 = DataPageHeaderV2(
                    numValues: try require(n, sn, "num_values"), numNulls: try require(nulls, sn, "num_nulls"),
                    numRows: try require(rows, sn, "num_rows"), encoding: try require(e, sn, "encoding"),
                    definitionLevelsByteLength: try require(dl, sn, "definition_levels_byte_length"),
                    repetitionLevelsByteLength: try require(rl, sn, "repetition_levels_byte_length"),
                    isCompressed: compressed, statistics: s)
            default: return false
            }
            return true
        }
        h.type = try require(type, "PageHeader", "type")
        h.uncompressedPageSize = try require(unc, "PageHeader", "uncompressed_page_size")
        h.compressedPageSize = try require(comp, "PageHeader", "compressed_page_size")
        self = h
    }
}

extension ColumnIndex {
    /// Serializes the column index.
    public func serialized() -> [UInt8] {
        var w = CompactWriter()
        w.beginListField(1, elementType: .boolTrue, count: nullPages.count)
        for b in nullPages { w.writeBool(b) }
        w.beginListField(2, elementType: .binary, count: minValues.count)
        for v in minValues { w.writeBinary(v) }
        w.beginListField(3, elementType: .binary, count: maxValues.count)
        for v in maxValues { w.writeBinary(v) }
        w.write(field: 4, boundaryOrder.rawValue)
        if let nc = nullCounts {
            w.beginListField(5, elementType: .i64, count: nc.count)
            for v in nc { w.writeI64(v) }
        }
        w.endStruct()
        return w.bytes
    }

    /// Decodes a column index.
    public init(thrift bytes: [UInt8]) throws(ThriftError) {
        var r = CompactReader(bytes: bytes)
        var np: [Bool]?
        var mins: [[UInt8]]?
        var maxs: [[UInt8]]?
        var order: BoundaryOrder?
        var nc: [Int64]?
        try r.readStruct { (r, id, _) throws(ThriftError) in
            switch id {
            case 1: np = try r.readList { (r) throws(ThriftError) in try r.readBool() }
            case 2: mins = try r.readList { (r) throws(ThriftError) in try r.readBinary() }
            case 3: maxs = try r.readList { (r) throws(ThriftError) in try r.readBinary() }
            case 4: order = try r.readEnum(BoundaryOrder.self, "boundary order")
            case 5: nc = try r.readList { (r) throws(ThriftError) in try r.readI64() }
            default: return false
            }
            return true
        }
        self.init(
            nullPages: try require(np, "ColumnIndex", "null_pages"),
            minValues: try require(mins, "ColumnIndex", "min_values"),
            maxValues: try require(maxs, "ColumnIndex", "max_values"),
            boundaryOrder: try require(order, "ColumnIndex", "boundary_order"),
            nullCounts: nc)
    }
}

extension OffsetIndex {
    /// Serializes the offset index.
    public func serialized() -> [UInt8] {
        var w = CompactWriter()
        w.beginListField(1, elementType: .struct, count: pageLocations.count)
        for p in pageLocations {
            w.beginStruct()
            w.write(field: 1, p.offset)
            w.write(field: 2, p.compressedPageSize)
            w.write(field: 3, p.firstRowIndex)
            w.endStruct()
        }
        w.endStruct()
        return w.bytes
    }

    /// Decodes an offset index.
    public init(thrift bytes: [UInt8]) throws(ThriftError) {
        var r = CompactReader(bytes: bytes)
        var locs: [PageLocation]?
        try r.readStruct { (r, id, _) throws(ThriftError) in
            guard id == 1 else { return false }
            locs = try r.readList { (r) throws(ThriftError) in
                var o: Int64?
                var s: Int32?
                var f: Int64?
                try r.readStruct { (r, id, _) throws(ThriftError) in
                    switch id {
                    case 1: o = try r.readI64()
                    case 2: s = try r.readI32()
                    case 3: f = try r.readI64()
                    default: return false
                    }
                    return true
                }
                return PageLocation(
                    offset: try require(o, "PageLocation", "offset"),
                    compressedPageSize: try require(s, "PageLocation", "compressed_page_size"),
                    firstRowIndex: try require(f, "PageLocation", "first_row_index"))
            }
            return true
        }
        self.init(pageLocations: try require(locs, "OffsetIndex", "page_locations"))
    }
}
