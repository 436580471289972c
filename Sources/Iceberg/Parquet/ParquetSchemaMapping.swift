import Parquet

// The Iceberg → Parquet type mapping of the table spec's Parquet appendix.

extension IcebergType {
    /// The Parquet physical type, type length and logical type used for this primitive.
    var parquetPrimitive: (PhysicalType, Int32?, LogicalType?) {
        switch self {
        case .boolean: return (.boolean, nil, nil)
        case .int: return (.int32, nil, nil)
        case .long: return (.int64, nil, nil)
        case .float: return (.float, nil, nil)
        case .double: return (.double, nil, nil)
        case .decimal(let p, let s):
            let lt = LogicalType.decimal(precision: Int32(p), scale: Int32(s))
            if p <= 9 { return (.int32, nil, lt) }
            if p <= 18 { return (.int64, nil, lt) }
            return (.fixedLenByteArray, Int32(IcebergType.decimalBytes(precision: p)), lt)
        case .date: return (.int32, nil, .date)
        case .time: return (.int64, nil, .time(isAdjustedToUTC: false, unit: .micros))
        case .timestamp: return (.int64, nil, .timestamp(isAdjustedToUTC: false, unit: .micros))
        case .timestamptz: return (.int64, nil, .timestamp(isAdjustedToUTC: true, unit: .micros))
        case .timestampNs: return (.int64, nil, .timestamp(isAdjustedToUTC: false, unit: .nanos))
        case .timestamptzNs: return (.int64, nil, .timestamp(isAdjustedToUTC: true, unit: .nanos))
        case .string: return (.byteArray, nil, .string)
        case .uuid: return (.fixedLenByteArray, 16, .uuid)
        case .fixed(let l): return (.fixedLenByteArray, Int32(l), nil)
        case .binary: return (.byteArray, nil, nil)
        // Not written (TableWriter refuses these columns); a binary leaf keeps reads of older files sound.
        case .unknown, .variant, .geometry, .geography: return (.byteArray, nil, nil)
        case .struct, .list, .map: preconditionFailure("not a primitive")
        }
    }
}

extension Schema {
    /// The Parquet schema for data files of this table schema, with field ids on every node.
    public func parquetSchema() throws -> ParquetSchema {
        try ParquetSchema(
            fields: fields.map { Schema.parquetNode(name: $0.name, id: $0.id, required: $0.required, type: $0.type) },
            rootName: "table")
    }

    static func parquetNode(name: String, id: Int, required: Bool, type: IcebergType) -> SchemaNode {
        let rep: Repetition = required ? .required : .optional
        switch type {
        case .struct(let s):
            return .group(
                name, rep, fieldId: Int32(id),
                children: s.fields.map { parquetNode(name: $0.name, id: $0.id, required: $0.required, type: $0.type) })
        case .list(let l):
            let element = parquetNode(name: "element", id: l.elementId, required: l.elementRequired, type: l.element)
            return .group(
                name, rep, fieldId: Int32(id), logicalType: .list, convertedType: .list,
                children: [.group("list", .repeated, children: [element])])
        case .map(let m):
            let key = parquetNode(name: "key", id: m.keyId, required: true, type: m.key)
            let value = parquetNode(name: "value", id: m.valueId, required: m.valueRequired, type: m.value)
            return .group(
                name, rep, fieldId: Int32(id), logicalType: .map, convertedType: .map,
                children: [.group("key_value", .repeated, children: [key, value])])
        default:
            let (physical, length, logical) = type.parquetPrimitive
            return .primitive(name, physical, rep, fieldId: Int32(id), logicalType: logical, typeLength: length)
        }
    }
}
