import JSONSupport
import Parquet
import ValueFormats

/// JSON descriptions of a Parquet file's schema and metadata, for tools and logs.
public enum ParquetDescription {
    /// The schema tree: name, repetition, physical and logical type, field id, children.
    public static func schema(_ schema: ParquetSchema) -> JSONValue {
        func node(_ n: SchemaNode) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("name", .string(n.name))]
            if let r = n.element.repetition { pairs.append(("repetition", .string(repetitionName(r)))) }
            if let id = n.element.fieldId { pairs.append(("field_id", .int(Int64(id)))) }
            if let t = n.element.type { pairs.append(("physical_type", .string(t.name))) }
            if let l = n.element.typeLength, n.element.type == .fixedLenByteArray {
                pairs.append(("type_length", .int(Int64(l))))
            }
            if let lt = n.element.logicalType {
                pairs.append(("logical_type", .string(logicalName(lt))))
            } else if let ct = n.element.convertedType {
                pairs.append(("converted_type", .string(String(describing: ct))))
            }
            if !n.children.isEmpty { pairs.append(("fields", .array(n.children.map(node)))) }
            return .object(pairs)
        }
        return .object([("name", .string(schema.root.name)), ("fields", .array(schema.root.children.map(node)))])
    }

    static func repetitionName(_ r: Repetition) -> String {
        switch r {
        case .required: "REQUIRED"
        case .optional: "OPTIONAL"
        case .repeated: "REPEATED"
        }
    }

    /// A logical type as text, e.g. `TIMESTAMP(MICROS,true)` or `DECIMAL(10,2)`.
    public static func logicalName(_ lt: LogicalType) -> String {
        func unit(_ u: TimeUnit) -> String { u == .millis ? "MILLIS" : (u == .micros ? "MICROS" : "NANOS") }
        switch lt {
        case .string: return "STRING"
        case .map: return "MAP"
        case .list: return "LIST"
        case .enum: return "ENUM"
        case .decimal(let p, let s): return "DECIMAL(\(p),\(s))"
        case .date: return "DATE"
        case .time(let utc, let u): return "TIME(\(unit(u)),\(utc))"
        case .timestamp(let utc, let u): return "TIMESTAMP(\(unit(u)),\(utc))"
        case .integer(let b, let s): return "INTEGER(\(b),\(s))"
        case .unknown: return "UNKNOWN"
        case .json: return "JSON"
        case .bson: return "BSON"
        case .uuid: return "UUID"
        case .float16: return "FLOAT16"
        case .variant: return "VARIANT"
        case .other(let id): return "OTHER(\(id))"
        }
    }

    /// A statistics value decoded per the column's types, in the JSON value convention.
    public static func statisticValue(_ bytes: [UInt8], column: ColumnDescriptor) -> JSONValue? {
        func le<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        let value: ParquetValue
        switch column.physicalType {
        case .boolean:
            guard let b = bytes.first else { return nil }
            value = .boolean(b != 0)
        case .int32:
            guard let v = le(Int32.self) else { return nil }
            value = .int32(v)
        case .int64:
            guard let v = le(Int64.self) else { return nil }
            value = .int64(v)
        case .float:
            guard let v = le(UInt32.self) else { return nil }
            value = .float(Float(bitPattern: v))
        case .double:
            guard let v = le(UInt64.self) else { return nil }
            value = .double(Double(bitPattern: v))
        case .int96, .byteArray, .fixedLenByteArray: value = .bytes(bytes)
        }
        var text = ""
        ParquetJSONFormatter.writeLeaf(value, column.node.element, to: &text)
        var b = Array(text.utf8)
        return try? JSONValue.parse(bytes: &b)
    }

    /// Row groups and column chunks with encodings, codec, sizes and statistics.
    public static func metadata(_ reader: ParquetReader) -> JSONValue {
        let m = reader.metadata
        var groups: [JSONValue] = []
        for (gi, g) in m.rowGroups.enumerated() {
            var columns: [JSONValue] = []
            for (ci, c) in g.columns.enumerated() {
                guard let cm = c.metaData else { continue }
                let column = reader.schema.columns[ci]
                var pairs: [(String, JSONValue)] = [
                    ("path", .string(cm.pathInSchema.joined(separator: "."))),
                    ("physical_type", .string(cm.type.name)),
                    ("codec", .string(cm.codec.name)),
                    ("encodings", .array(cm.encodings.map { .string($0.name) })),
                    ("num_values", .int(cm.numValues)),
                    ("total_compressed_size", .int(cm.totalCompressedSize)),
                    ("total_uncompressed_size", .int(cm.totalUncompressedSize)),
                    ("data_page_offset", .int(cm.dataPageOffset)),
                ]
                if let d = cm.dictionaryPageOffset { pairs.append(("dictionary_page_offset", .int(d))) }
                if let s = cm.statistics {
                    var st: [(String, JSONValue)] = []
                    if let n = s.nullCount { st.append(("null_count", .int(n))) }
                    if let d = s.distinctCount { st.append(("distinct_count", .int(d))) }
                    let minBytes = s.minValue ?? (column.sortOrder == .signed ? s.legacyMin : nil)
                    let maxBytes = s.maxValue ?? (column.sortOrder == .signed ? s.legacyMax : nil)
                    if let b = minBytes, let v = statisticValue(b, column: column) { st.append(("min", v)) }
                    if let b = maxBytes, let v = statisticValue(b, column: column) { st.append(("max", v)) }
                    if let e = s.isMinValueExact { st.append(("min_exact", .bool(e))) }
                    if let e = s.isMaxValueExact { st.append(("max_exact", .bool(e))) }
                    pairs.append(("statistics", .object(st)))
                }
                if let o = c.columnIndexOffset { pairs.append(("column_index_offset", .int(o))) }
                if let o = c.offsetIndexOffset { pairs.append(("offset_index_offset", .int(o))) }
                if let idx = try? reader.offsetIndex(rowGroup: gi, column: ci) {
                    pairs.append(("pages", .int(Int64(idx.pageLocations.count))))
                }
                columns.append(.object(pairs))
            }
            groups.append(
                .object([
                    ("num_rows", .int(g.numRows)), ("total_byte_size", .int(g.totalByteSize)),
                    ("columns", .array(columns)),
                ]))
        }
        var top: [(String, JSONValue)] = [("num_rows", .int(m.numRows)), ("version", .int(Int64(m.version)))]
        if let c = m.createdBy { top.append(("created_by", .string(c))) }
        if let kv = m.keyValueMetadata {
            top.append(("key_value_metadata", .object(kv.map { ($0.key, $0.value.map { .string($0) } ?? .null) })))
        }
        top.append(("row_groups", .array(groups)))
        return .object(top)
    }
}
