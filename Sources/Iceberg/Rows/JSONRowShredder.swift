import Parquet

/// Converts rows in the JSON value convention into Parquet leaf columns (Dremel shredding)
/// for an Iceberg schema. Values are appended to contiguous typed buffers; `takeColumns()`
/// hands the batch to a `ParquetWriter`.
///
/// The convention is the spec's JSON single-value serialization with structs as objects
/// keyed by field name, maps as `{"keys": […], "values": […]}`, and NaN/±Infinity as
/// strings. Unknown fields, missing required fields and wrong types are errors that name
/// the row and the field path.
public struct JSONRowShredder {
    /// The table schema.
    public let schema: Schema
    /// The Parquet schema of the produced columns.
    public let parquetSchema: ParquetSchema
    private let root: [ShredField]
    private var columns: [LeafBuilder]
    /// Rows appended since the last `takeColumns()`.
    public private(set) var rowCount = 0

    /// Prepares a shredder for a schema.
    public init(schema: Schema) throws {
        self.schema = schema
        parquetSchema = try schema.parquetSchema()
        var leaf = 0
        func plan(_ f: NestedField, parentDef: Int, rep: Int, path: String) -> ShredField {
            let node = plan(type: f.type, required: f.required, parentDef: parentDef, rep: rep, path: path)
            return ShredField(name: f.name, node: node, required: f.required)
        }
        func plan(type: IcebergType, required: Bool, parentDef: Int, rep: Int, path: String) -> ShredNode {
            let def = parentDef + (required ? 0 : 1)
            let first = leaf
            switch type {
            case .struct(let s):
                let fields = s.fields.map { plan($0, parentDef: def, rep: rep, path: path + "." + $0.name) }
                return ShredNode(kind: .structure(fields), nullDef: parentDef, def: def, repLevel: rep, leaves: first..<leaf, path: path)
            case .list(let l):
                let element = plan(type: l.element, required: l.elementRequired, parentDef: def + 1, rep: rep + 1, path: path + ".element")
                return ShredNode(kind: .list(element), nullDef: parentDef, def: def, repLevel: rep + 1, leaves: first..<leaf, path: path)
            case .map(let m):
                let key = plan(type: m.key, required: true, parentDef: def + 1, rep: rep + 1, path: path + ".key")
                let value = plan(type: m.value, required: m.valueRequired, parentDef: def + 1, rep: rep + 1, path: path + ".value")
                return ShredNode(kind: .map(key, value), nullDef: parentDef, def: def, repLevel: rep + 1, leaves: first..<leaf, path: path)
            default:
                leaf += 1
                return ShredNode(kind: .primitive(type, first), nullDef: parentDef, def: def, repLevel: rep, leaves: first..<leaf, path: path)
            }
        }
        root = schema.fields.map { plan($0, parentDef: 0, rep: 0, path: $0.name) }
        columns = parquetSchema.columns.map { LeafBuilder(column: $0) }
    }

    /// Appends one row given as a JSON object. On error the batch is left inconsistent:
    /// discard it (the writer's caller aborts the file).
    public mutating func append(_ row: JSONValue, rowNumber: Int) throws {
        guard case .object(let pairs) = row else {
            throw IcebergError.invalidValue(row: rowNumber, field: "", detail: "a row must be a JSON object")
        }
        try shredObject(pairs, fields: root, def: 0, rep: 0, row: rowNumber, path: "")
        rowCount += 1
    }

    /// Parses and appends one line of JSON text.
    public mutating func append(jsonLine: UnsafeBufferPointer<UInt8>, rowNumber: Int) throws {
        var scanner = JSONScanner(jsonLine)
        let value: JSONValue
        do {
            value = try scanner.parseValue(depth: 0)
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.error("unexpected text after the row") }
        } catch let e as JSONParseError {
            throw IcebergError.invalidValue(row: rowNumber, field: "", detail: e.description)
        }
        try append(value, rowNumber: rowNumber)
    }

    /// Returns the buffered columns and starts a new batch.
    public mutating func takeColumns() -> [ColumnData] {
        let out = columns.map { $0.columnData() }
        columns = parquetSchema.columns.map { LeafBuilder(column: $0) }
        rowCount = 0
        return out
    }

    /// Approximate bytes buffered.
    public var bufferedBytes: Int { columns.reduce(0) { $0 + $1.byteEstimate } }

    private mutating func shredObject(_ pairs: [(String, JSONValue)], fields: [ShredField], def: Int, rep: Int, row: Int, path: String) throws {
        var seen = [Bool](repeating: false, count: fields.count)
        for (key, value) in pairs {
            guard let i = fields.firstIndex(where: { $0.name == key }) else {
                throw IcebergError.invalidValue(row: row, field: path + key, detail: "unknown field")
            }
            guard !seen[i] else { throw IcebergError.invalidValue(row: row, field: path + key, detail: "field given twice") }
            seen[i] = true
            try shred(fields[i].node, value, rep: rep, row: row)
        }
        for (i, f) in fields.enumerated() where !seen[i] {
            guard !f.required else { throw IcebergError.invalidValue(row: row, field: f.node.path, detail: "required field is missing") }
            appendNull(f.node, rep: rep)
        }
    }

    private mutating func appendNull(_ node: ShredNode, rep: Int) {
        for l in node.leaves { columns[l].appendLevels(def: node.nullDef, rep: rep) }
    }

    private mutating func shred(_ node: ShredNode, _ value: JSONValue, rep: Int, row: Int) throws {
        if case .null = value {
            guard node.def > node.nullDef else {
                throw IcebergError.invalidValue(row: row, field: node.path, detail: "required value is null")
            }
            appendNull(node, rep: rep)
            return
        }
        switch node.kind {
        case .primitive(let type, let leaf):
            do { try columns[leaf].append(value, type: type) } catch let e as ValueError {
                throw IcebergError.invalidValue(row: row, field: node.path, detail: e.message)
            }
            columns[leaf].appendLevels(def: node.def, rep: rep)
        case .structure(let fields):
            guard case .object(let pairs) = value else {
                throw IcebergError.invalidValue(row: row, field: node.path, detail: "expected an object for a struct")
            }
            try shredObject(pairs, fields: fields, def: node.def, rep: rep, row: row, path: node.path + ".")
        case .list(let element):
            guard case .array(let items) = value else {
                throw IcebergError.invalidValue(row: row, field: node.path, detail: "expected an array for a list")
            }
            if items.isEmpty {
                for l in node.leaves { columns[l].appendLevels(def: node.def, rep: rep) }
                return
            }
            for (i, item) in items.enumerated() {
                try shred(element, item, rep: i == 0 ? rep : node.repLevel, row: row)
            }
        case .map(let keyNode, let valueNode):
            guard case .object = value, let keys = value["keys"]?.arrayValue, let values = value["values"]?.arrayValue else {
                throw IcebergError.invalidValue(row: row, field: node.path, detail: "expected {\"keys\": [...], \"values\": [...]} for a map")
            }
            guard keys.count == values.count else {
                throw IcebergError.invalidValue(row: row, field: node.path, detail: "map has \(keys.count) keys but \(values.count) values")
            }
            if keys.isEmpty {
                for l in node.leaves { columns[l].appendLevels(def: node.def, rep: rep) }
                return
            }
            for i in keys.indices {
                let r = i == 0 ? rep : node.repLevel
                guard keys[i] != .null else { throw IcebergError.invalidValue(row: row, field: keyNode.path, detail: "map keys cannot be null") }
                try shred(keyNode, keys[i], rep: r, row: row)
                try shred(valueNode, values[i], rep: r, row: row)
            }
        }
    }
}

struct ShredField {
    var name: String
    var node: ShredNode
    var required: Bool
}

struct ShredNode {
    indirect enum Kind {
        case primitive(IcebergType, Int)
        case structure([ShredField])
        case list(ShredNode)
        case map(ShredNode, ShredNode)
    }
    var kind: Kind
    /// Definition level written when this node is null.
    var nullDef: Int
    /// Definition level when this node is present.
    var def: Int
    /// Repetition level of this node's own repetition (lists and maps: their elements).
    var repLevel: Int
    var leaves: Range<Int>
    var path: String
}

struct ValueError: Error {
    var message: String
}

/// Typed buffers and levels for one leaf column under construction.
struct LeafBuilder {
    let column: ColumnDescriptor
    var values: ColumnValues
    var definitionLevels: [UInt8] = []
    var repetitionLevels: [UInt8] = []
    let tracksDef: Bool
    let tracksRep: Bool

    init(column: ColumnDescriptor) {
        self.column = column
        values = .empty(column.physicalType, width: column.typeLength)
        tracksDef = column.maxDefinitionLevel > 0
        tracksRep = column.maxRepetitionLevel > 0
    }

    var byteEstimate: Int {
        estimatedByteSize(of: values) + definitionLevels.count + repetitionLevels.count
    }

    @inline(__always)
    mutating func appendLevels(def: Int, rep: Int) {
        if tracksDef { definitionLevels.append(UInt8(def)) }
        if tracksRep { repetitionLevels.append(UInt8(rep)) }
    }

    func columnData() -> ColumnData {
        ColumnData(values: values, definitionLevels: tracksDef ? definitionLevels : nil, repetitionLevels: tracksRep ? repetitionLevels : nil)
    }

    private static func string(_ v: JSONValue, _ what: String) throws -> String {
        guard case .string(let s) = v else { throw ValueError(message: "expected a string (\(what))") }
        return s
    }

    private static func floating(_ v: JSONValue) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: throw ValueError(message: "expected a number")
        }
    }

    mutating func append(_ v: JSONValue, type: IcebergType) throws {
        switch type {
        case .boolean:
            guard case .bool(let b) = v else { throw ValueError(message: "expected true or false") }
            push(bool: b)
        case .int:
            guard case .int(let i) = v, let x = Int32(exactly: i) else { throw ValueError(message: "expected a 32-bit integer") }
            push(int32: x)
        case .long:
            guard case .int(let i) = v else { throw ValueError(message: "expected an integer") }
            push(int64: i)
        case .float:
            let d = try Self.floating(v)
            push(float: Float(d))
        case .double:
            push(double: try Self.floating(v))
        case .decimal(let p, let s):
            let text: String
            switch v {
            case .string(let t): text = t
            case .int(let i): text = String(i)
            case .double(let d): text = String(d)
            default: throw ValueError(message: "expected a decimal string")
            }
            let unscaled: Int128
            do { unscaled = try DecimalValues.parse(text, precision: p, scale: s) } catch { throw ValueError(message: "\(error)") }
            if p <= 9 { push(int32: Int32(unscaled)) }
            else if p <= 18 { push(int64: Int64(unscaled)) }
            else { push(bytes: DecimalValues.bytes(unscaled, width: IcebergType.decimalBytes(precision: p))) }
        case .date:
            do { push(int32: try TemporalValues.parseDate(try Self.string(v, "a date like 2017-11-16"))) }
            catch let e as TemporalValues.ParseError { throw ValueError(message: "invalid date: \(e)") }
        case .time:
            do { push(int64: try TemporalValues.parseTime(try Self.string(v, "a time like 22:31:08.123456"), unitsPerSecond: 1_000_000)) }
            catch let e as TemporalValues.ParseError { throw ValueError(message: "invalid time: \(e)") }
        case .timestamp, .timestamptz, .timestampNs, .timestamptzNs:
            let zone = type == .timestamptz || type == .timestamptzNs
            let units: Int64 = (type == .timestampNs || type == .timestamptzNs) ? 1_000_000_000 : 1_000_000
            do {
                push(int64: try TemporalValues.parseTimestamp(try Self.string(v, "an ISO-8601 timestamp"), unitsPerSecond: units, withZone: zone))
            } catch let e as TemporalValues.ParseError { throw ValueError(message: "invalid \(type): \(e)") }
        case .string:
            guard case .string(let s) = v else { throw ValueError(message: "expected a string") }
            if case .byteArray(var b) = values {
                values = .boolean([])
                b.append(s)
                values = .byteArray(b)
            }
        case .uuid:
            guard let bytes = ByteText.parseUUID(try Self.string(v, "a UUID")) else { throw ValueError(message: "invalid UUID") }
            push(bytes: bytes)
        case .fixed(let l):
            guard let bytes = ByteText.parseHex(try Self.string(v, "hex bytes")), bytes.count == l else {
                throw ValueError(message: "expected \(l) bytes as \(2 * l) hex digits")
            }
            push(bytes: bytes)
        case .binary:
            guard let bytes = ByteText.parseHex(try Self.string(v, "hex bytes")) else { throw ValueError(message: "invalid hex") }
            push(bytes: bytes)
        case .struct, .list, .map:
            throw ValueError(message: "not a primitive")
        }
    }

    private mutating func push(bool: Bool) {
        if case .boolean(var a) = values { values = .int32([]); a.append(bool); values = .boolean(a) }
    }
    private mutating func push(int32: Int32) {
        if case .int32(var a) = values { values = .boolean([]); a.append(int32); values = .int32(a) }
    }
    private mutating func push(int64: Int64) {
        if case .int64(var a) = values { values = .boolean([]); a.append(int64); values = .int64(a) }
    }
    private mutating func push(float: Float) {
        if case .float(var a) = values { values = .boolean([]); a.append(float); values = .float(a) }
    }
    private mutating func push(double: Double) {
        if case .double(var a) = values { values = .boolean([]); a.append(double); values = .double(a) }
    }
    private mutating func push(bytes: [UInt8]) {
        switch values {
        case .byteArray(var b): values = .boolean([]); b.append(bytes); values = .byteArray(b)
        case .fixedLenByteArray(var f): values = .boolean([]); f.data.append(contentsOf: bytes); values = .fixedLenByteArray(f)
        default: break
        }
    }
}

func estimatedByteSize(of v: ColumnValues) -> Int {
    switch v {
    case .boolean(let a): return a.count / 8
    case .int32(let a): return a.count * 4
    case .float(let a): return a.count * 4
    case .int64(let a): return a.count * 8
    case .double(let a): return a.count * 8
    case .int96(let f), .fixedLenByteArray(let f): return f.data.count
    case .byteArray(let b): return b.data.count + 4 * b.count
    }
}
