import JSONSupport
import Parquet

/// Converts rows in the JSON value convention into Parquet leaf columns (Dremel shredding)
/// for an Iceberg schema. Values are appended to contiguous typed buffers; `takeColumns()`
/// hands the batch to a `ParquetWriter`.
///
/// The convention is the spec's JSON single-value serialization with structs as objects
/// keyed by field name, maps as `{"keys": […], "values": […]}`, and NaN/±Infinity as
/// strings. Unknown fields, missing required fields and wrong types are errors that name
/// the row and the field path.
///
/// The schema is planned once into a flat table of trivially copyable nodes, so the hot
/// loop does no reference counting: JSON text is scanned and written straight into the
/// column buffers without building a JSON tree.
public struct JSONRowShredder {
    /// The table schema.
    public let schema: Schema
    /// The Parquet schema of the produced columns.
    public let parquetSchema: ParquetSchema
    private let plan: ShredPlan
    private var columns: [LeafBuilder]
    private var scratch: [UInt8] = []
    /// Rows appended since the last `takeColumns()`.
    public private(set) var rowCount = 0

    /// Prepares a shredder for a schema.
    public init(schema: Schema) throws {
        self.schema = schema
        parquetSchema = try schema.parquetSchema()
        plan = ShredPlan(schema: schema)
        columns = parquetSchema.columns.map { LeafBuilder(column: $0) }
    }

    /// Appends one row given as a JSON object. On error the batch is left inconsistent:
    /// discard it (the writer's caller aborts the file).
    public mutating func append(_ row: JSONValue, rowNumber: Int) throws {
        guard case .object(let pairs) = row else {
            throw IcebergError.invalidValue(row: rowNumber, field: "", detail: "a row must be a JSON object")
        }
        try shredObject(pairs, node: 0, rep: 0, row: rowNumber)
        rowCount += 1
    }

    /// Parses and appends one line of JSON text.
    public mutating func append(jsonLine: UnsafeBufferPointer<UInt8>, rowNumber: Int) throws {
        var scanner = JSONScanner(jsonLine)
        do {
            guard scanner.peek() == UInt8(ascii: "{") else {
                throw IcebergError.invalidValue(row: rowNumber, field: "", detail: "a row must be a JSON object")
            }
            try streamObject(&scanner, node: 0, rep: 0, row: rowNumber)
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.error("unexpected text after the row") }
        } catch let e as JSONParseError {
            throw IcebergError.invalidValue(row: rowNumber, field: "", detail: e.description)
        }
        rowCount += 1
    }

    /// Returns the buffered columns and starts a new batch.
    public mutating func takeColumns() -> [ColumnData] {
        let out = columns.map { $0.columnData() }
        // The next batch is likely the same size: reserve so its buffers never regrow.
        columns = columns.map { LeafBuilder(column: $0.column, reservingLike: $0) }
        rowCount = 0
        return out
    }

    /// Approximate bytes buffered.
    public var bufferedBytes: Int { columns.reduce(0) { $0 + $1.byteEstimate } }

    // MARK: Shared

    private mutating func appendNull(_ n: ShredPlan.Node, rep: Int) {
        for l in n.leafStart..<n.leafEnd { columns[l].appendLevels(def: n.nullDef, rep: rep) }
    }

    private mutating func appendEmpty(_ n: ShredPlan.Node, rep: Int) {
        for l in n.leafStart..<n.leafEnd { columns[l].appendLevels(def: n.def, rep: rep) }
    }

    private func invalid(_ row: Int, _ node: Int, _ detail: String) -> IcebergError {
        IcebergError.invalidValue(row: row, field: plan.paths[node], detail: detail)
    }

    /// Fills in fields not present in an object: the field's `write-default`, else null, or an
    /// error when required.
    private mutating func finishObject(_ n: ShredPlan.Node, seenMask: UInt64, seenExtra: [Bool], rep: Int, row: Int)
        throws
    {
        for k in 0..<n.childCount {
            let seen = k < 64 ? (seenMask >> UInt64(k)) & 1 == 1 : seenExtra[k]
            if seen { continue }
            let c = plan.child(n, k)
            if let value = plan.writeDefaults[c] {
                try shred(c, value, rep: rep, row: row)
                continue
            }
            let child = plan.nodes[c]
            guard !child.required else { throw invalid(row, c, "required field is missing") }
            appendNull(child, rep: rep)
        }
    }

    // MARK: Parsed JSON values (maps and `append(_:rowNumber:)`)

    private mutating func shredObject(_ pairs: [(String, JSONValue)], node: Int, rep: Int, row: Int) throws {
        let n = plan.nodes[node]
        var seenMask: UInt64 = 0
        var seenExtra = n.childCount > 64 ? [Bool](repeating: false, count: n.childCount) : []
        for (key, value) in pairs {
            var k = key
            let found = k.withUTF8 { plan.childIndex(n, named: $0) }
            guard let i = found else {
                throw IcebergError.invalidValue(
                    row: row, field: (node == 0 ? "" : plan.paths[node] + ".") + key, detail: "unknown field")
            }
            let seenBefore = i < 64 ? (seenMask >> UInt64(i)) & 1 == 1 : seenExtra[i]
            guard !seenBefore else { throw invalid(row, plan.child(n, i), "field given twice") }
            if i < 64 { seenMask |= 1 << UInt64(i) } else { seenExtra[i] = true }
            try shred(plan.child(n, i), value, rep: rep, row: row)
        }
        try finishObject(n, seenMask: seenMask, seenExtra: seenExtra, rep: rep, row: row)
    }

    private mutating func shred(_ node: Int, _ value: JSONValue, rep: Int, row: Int) throws {
        let n = plan.nodes[node]
        if case .null = value {
            guard n.def > n.nullDef else { throw invalid(row, node, "required value is null") }
            appendNull(n, rep: rep)
            return
        }
        switch n.kind {
        case .primitive:
            do { try columns[n.leafStart].append(value, spec: n.primitive) } catch let e as ValueError {
                throw invalid(row, node, e.message)
            }
            columns[n.leafStart].appendLevels(def: n.def, rep: rep)
        case .structure:
            guard case .object(let pairs) = value else { throw invalid(row, node, "expected an object for a struct") }
            try shredObject(pairs, node: node, rep: rep, row: row)
        case .list:
            guard case .array(let items) = value else { throw invalid(row, node, "expected an array for a list") }
            if items.isEmpty {
                appendEmpty(n, rep: rep)
                return
            }
            let element = plan.child(n, 0)
            for (i, item) in items.enumerated() {
                try shred(element, item, rep: i == 0 ? rep : n.repLevel, row: row)
            }
        case .map:
            guard case .object = value, let keys = value["keys"]?.arrayValue, let values = value["values"]?.arrayValue
            else {
                throw invalid(row, node, "expected {\"keys\": [...], \"values\": [...]} for a map")
            }
            guard keys.count == values.count else {
                throw invalid(row, node, "map has \(keys.count) keys but \(values.count) values")
            }
            if keys.isEmpty {
                appendEmpty(n, rep: rep)
                return
            }
            let keyNode = plan.child(n, 0)
            let valueNode = plan.child(n, 1)
            for i in keys.indices {
                let r = i == 0 ? rep : n.repLevel
                guard keys[i] != .null else { throw invalid(row, keyNode, "map keys cannot be null") }
                try shred(keyNode, keys[i], rep: r, row: row)
                try shred(valueNode, values[i], rep: r, row: row)
            }
        }
    }

    // MARK: Streaming from JSON text

    private mutating func streamObject(_ sc: inout JSONScanner, node: Int, rep: Int, row: Int) throws {
        let n = plan.nodes[node]
        try sc.expect(UInt8(ascii: "{"))
        var seenMask: UInt64 = 0
        var seenExtra = n.childCount > 64 ? [Bool](repeating: false, count: n.childCount) : []
        if sc.peek() == UInt8(ascii: "}") {
            sc.pos += 1
        } else {
            while true {
                let found = try sc.withStringToken(scratch: &scratch) { plan.childIndex(n, named: $0) }
                guard let i = found else {
                    throw IcebergError.invalidValue(
                        row: row, field: (node == 0 ? "" : plan.paths[node] + ".") + lastKey(sc),
                        detail: "unknown field")
                }
                let seenBefore = i < 64 ? (seenMask >> UInt64(i)) & 1 == 1 : seenExtra[i]
                guard !seenBefore else { throw invalid(row, plan.child(n, i), "field given twice") }
                if i < 64 { seenMask |= 1 << UInt64(i) } else { seenExtra[i] = true }
                try sc.expect(UInt8(ascii: ":"))
                try streamValue(plan.child(n, i), &sc, rep: rep, row: row)
                guard let c = sc.peek() else { throw sc.error("unterminated object") }
                sc.pos += 1
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else {
                    sc.pos -= 1
                    throw sc.error("expected ',' or '}'")
                }
            }
        }
        try finishObject(n, seenMask: seenMask, seenExtra: seenExtra, rep: rep, row: row)
    }

    /// The key just scanned (for error messages), recovered from the input.
    private func lastKey(_ sc: JSONScanner) -> String {
        var end = sc.pos - 1
        while end > 0 && sc.buf[end] != UInt8(ascii: "\"") { end -= 1 }
        var start = end - 1
        while start > 0 && sc.buf[start] != UInt8(ascii: "\"") { start -= 1 }
        guard start < end else { return "?" }
        return String(decoding: UnsafeBufferPointer(rebasing: sc.buf[start + 1..<end]), as: UTF8.self)
    }

    private mutating func streamValue(_ node: Int, _ sc: inout JSONScanner, rep: Int, row: Int) throws {
        let n = plan.nodes[node]
        guard let c = sc.peek() else { throw sc.error("unexpected end of input") }
        if c == UInt8(ascii: "n") {
            try sc.expectLiteral("null")
            guard n.def > n.nullDef else { throw invalid(row, node, "required value is null") }
            appendNull(n, rep: rep)
            return
        }
        switch n.kind {
        case .primitive:
            do { try streamPrimitive(n.primitive, leaf: n.leafStart, first: c, &sc) } catch let e as ValueError {
                throw invalid(row, node, e.message)
            }
            columns[n.leafStart].appendLevels(def: n.def, rep: rep)
        case .structure:
            guard c == UInt8(ascii: "{") else { throw invalid(row, node, "expected an object for a struct") }
            try streamObject(&sc, node: node, rep: rep, row: row)
        case .list:
            guard c == UInt8(ascii: "[") else { throw invalid(row, node, "expected an array for a list") }
            sc.pos += 1
            if sc.peek() == UInt8(ascii: "]") {
                sc.pos += 1
                appendEmpty(n, rep: rep)
                return
            }
            let element = plan.child(n, 0)
            var first = true
            while true {
                try streamValue(element, &sc, rep: first ? rep : n.repLevel, row: row)
                first = false
                guard let e = sc.peek() else { throw sc.error("unterminated array") }
                sc.pos += 1
                if e == UInt8(ascii: "]") { break }
                guard e == UInt8(ascii: ",") else {
                    sc.pos -= 1
                    throw sc.error("expected ',' or ']'")
                }
            }
        case .map:
            let value = try sc.parseValue(depth: 1)
            try shred(node, value, rep: rep, row: row)
        }
    }

    private mutating func streamPrimitive(_ spec: PrimitiveSpec, leaf: Int, first c: UInt8, _ sc: inout JSONScanner)
        throws
    {
        let isNumberStart = c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39)
        switch spec.kind {
        case .boolean:
            if c == UInt8(ascii: "t") {
                try sc.expectLiteral("true")
                columns[leaf].values.booleans.append(true)
            } else if c == UInt8(ascii: "f") {
                try sc.expectLiteral("false")
                columns[leaf].values.booleans.append(false)
            } else {
                throw ValueError(message: "expected true or false")
            }
        case .int, .long:
            guard isNumberStart, let i = try sc.parseNumber().integer else {
                throw ValueError(message: "expected an integer")
            }
            if spec.kind == .int {
                guard let x = Int32(exactly: i) else { throw ValueError(message: "expected a 32-bit integer") }
                columns[leaf].values.int32s.append(x)
            } else {
                columns[leaf].values.int64s.append(i)
            }
        case .float, .double:
            if c == UInt8(ascii: "\"") {
                try sc.withStringToken(scratch: &scratch) { try columns[leaf].appendText($0, spec: spec) }
            } else {
                guard isNumberStart else { throw ValueError(message: "expected a number") }
                let d = try sc.parseNumber().double
                if spec.kind == .float {
                    columns[leaf].values.floats.append(Float(d))
                } else {
                    columns[leaf].values.doubles.append(d)
                }
            }
        case .decimal where c != UInt8(ascii: "\""):
            guard isNumberStart else { throw ValueError(message: "expected a decimal") }
            let number = try sc.parseNumber()
            try columns[leaf].appendText(UnsafeBufferPointer(rebasing: sc.buf[number.range]), spec: spec)
        default:
            guard c == UInt8(ascii: "\"") else { throw ValueError(message: "expected a string for \(spec.type)") }
            try sc.withStringToken(scratch: &scratch) { try columns[leaf].appendText($0, spec: spec) }
        }
    }
}

/// An Iceberg primitive type in a trivially copyable form for the shredding loop.
struct PrimitiveSpec {
    enum Kind: UInt8 {
        case boolean, int, long, float, double, decimal, date, time, timestamp, timestamptz
        case timestampNs, timestamptzNs, string, uuid, fixed, binary
    }
    var kind: Kind
    var precision = 0
    var scale = 0
    var length = 0

    init(_ type: IcebergType) {
        switch type {
        case .boolean: kind = .boolean
        case .int: kind = .int
        case .long: kind = .long
        case .float: kind = .float
        case .double: kind = .double
        case .decimal(let p, let s):
            kind = .decimal
            precision = p
            scale = s
        case .date: kind = .date
        case .time: kind = .time
        case .timestamp: kind = .timestamp
        case .timestamptz: kind = .timestamptz
        case .timestampNs: kind = .timestampNs
        case .timestamptzNs: kind = .timestamptzNs
        case .string: kind = .string
        case .uuid: kind = .uuid
        case .fixed(let l):
            kind = .fixed
            length = l
        case .binary: kind = .binary
        case .struct, .list, .map, .unknown, .variant, .geometry, .geography: kind = .binary
        }
    }

    /// The Iceberg type again (for messages).
    var type: IcebergType {
        switch kind {
        case .boolean: .boolean
        case .int: .int
        case .long: .long
        case .float: .float
        case .double: .double
        case .decimal: .decimal(precision: precision, scale: scale)
        case .date: .date
        case .time: .time
        case .timestamp: .timestamp
        case .timestamptz: .timestamptz
        case .timestampNs: .timestampNs
        case .timestamptzNs: .timestamptzNs
        case .string: .string
        case .uuid: .uuid
        case .fixed: .fixed(length: length)
        case .binary: .binary
        }
    }
}

/// The schema flattened into a table of nodes with precomputed levels. Node 0 is the row.
struct ShredPlan {
    enum Kind: UInt8 { case primitive, structure, list, map }

    struct Node {
        var kind: Kind
        var primitive: PrimitiveSpec
        var required: Bool
        /// Definition level written when this node is null.
        var nullDef: Int
        /// Definition level when this node is present.
        var def: Int
        /// Repetition level of this node's elements (lists and maps).
        var repLevel: Int
        var leafStart: Int
        var leafEnd: Int
        var firstChild: Int
        var childCount: Int
        var nameStart: Int
        var nameEnd: Int
    }

    private(set) var nodes: [Node] = []
    /// Node index of each child, grouped per parent.
    private(set) var children: [Int] = []
    /// Field names, UTF-8, back to back.
    private(set) var names: [UInt8] = []
    /// Dotted path of each node, for error messages.
    private(set) var paths: [String] = []
    /// The `write-default` of each field node that has one (used when a row omits the field).
    private(set) var writeDefaults: [Int: JSONValue] = [:]

    init(schema: Schema) {
        var leaf = 0
        func add(
            _ kind: Kind, _ type: IcebergType, required: Bool, parentDef: Int, rep: Int, name: String, path: String
        ) -> Int {
            let index = nodes.count
            let nameStart = names.count
            names.append(contentsOf: name.utf8)
            nodes.append(
                Node(
                    kind: kind, primitive: PrimitiveSpec(type), required: required, nullDef: parentDef,
                    def: parentDef + (required ? 0 : 1), repLevel: rep, leafStart: leaf, leafEnd: leaf,
                    firstChild: 0, childCount: 0, nameStart: nameStart, nameEnd: names.count))
            paths.append(path)
            return index
        }
        func plan(_ type: IcebergType, required: Bool, parentDef: Int, rep: Int, name: String, path: String) -> Int {
            let kind: Kind
            switch type {
            case .struct: kind = .structure
            case .list: kind = .list
            case .map: kind = .map
            default: kind = .primitive
            }
            let me = add(kind, type, required: required, parentDef: parentDef, rep: rep, name: name, path: path)
            let def = nodes[me].def
            var kids: [Int] = []
            switch type {
            case .struct(let s):
                kids = s.fields.map {
                    let k = plan(
                        $0.type, required: $0.required, parentDef: def, rep: rep, name: $0.name,
                        path: path + "." + $0.name)
                    if let d = $0.writeDefault { writeDefaults[k] = d }
                    return k
                }
            case .list(let l):
                nodes[me].repLevel = rep + 1
                kids = [
                    plan(
                        l.element, required: l.elementRequired, parentDef: def + 1, rep: rep + 1, name: "element",
                        path: path + ".element")
                ]
            case .map(let m):
                nodes[me].repLevel = rep + 1
                kids = [
                    plan(m.key, required: true, parentDef: def + 1, rep: rep + 1, name: "key", path: path + ".key"),
                    plan(
                        m.value, required: m.valueRequired, parentDef: def + 1, rep: rep + 1, name: "value",
                        path: path + ".value"),
                ]
            default:
                leaf += 1
            }
            nodes[me].firstChild = children.count
            nodes[me].childCount = kids.count
            children.append(contentsOf: kids)
            nodes[me].leafEnd = leaf
            return me
        }
        // The row itself: a required struct at level 0.
        let row = add(.structure, .boolean, required: true, parentDef: 0, rep: 0, name: "", path: "")
        let kids = schema.fields.map {
            let k = plan($0.type, required: $0.required, parentDef: 0, rep: 0, name: $0.name, path: $0.name)
            if let d = $0.writeDefault { writeDefaults[k] = d }
            return k
        }
        nodes[row].firstChild = children.count
        nodes[row].childCount = kids.count
        children.append(contentsOf: kids)
        nodes[row].leafEnd = leaf
    }

    @inline(__always)
    func child(_ n: Node, _ k: Int) -> Int { children[n.firstChild + k] }

    /// The position among `n`'s children of the field named by `key`.
    @inline(__always)
    func childIndex(_ n: Node, named key: UnsafeBufferPointer<UInt8>) -> Int? {
        names.withUnsafeBufferPointer { nb in
            children.withUnsafeBufferPointer { ch in
                nodes.withUnsafeBufferPointer { nd in
                    for k in 0..<n.childCount {
                        let c = nd[ch[n.firstChild + k]]
                        let len = c.nameEnd - c.nameStart
                        guard len == key.count else { continue }
                        var equal = true
                        for j in 0..<len where nb[c.nameStart + j] != key[j] {
                            equal = false
                            break
                        }
                        if equal { return k }
                    }
                    return nil
                }
            }
        }
    }
}

struct ValueError: Error {
    var message: String
}

/// Values and levels for one leaf column under construction.
struct LeafBuilder {
    let column: ColumnDescriptor
    var values: ColumnValuesBuilder
    var definitionLevels: [UInt8] = []
    var repetitionLevels: [UInt8] = []
    let tracksDef: Bool
    let tracksRep: Bool

    init(column: ColumnDescriptor) {
        self.column = column
        values = ColumnValuesBuilder(type: column.physicalType, width: column.typeLength)
        tracksDef = column.maxDefinitionLevel > 0
        tracksRep = column.maxRepetitionLevel > 0
    }

    /// A fresh builder with room for as many values as `previous` held.
    init(column: ColumnDescriptor, reservingLike previous: LeafBuilder) {
        self.init(column: column)
        values.reserve(previous.values.count)
        if column.physicalType == .byteArray {
            values.bytes.data.reserveCapacity(previous.values.bytes.data.count + previous.values.bytes.data.count / 8)
        }
        definitionLevels.reserveCapacity(previous.definitionLevels.count)
        repetitionLevels.reserveCapacity(previous.repetitionLevels.count + previous.repetitionLevels.count / 8)
    }

    var byteEstimate: Int {
        values.byteCount + definitionLevels.count + repetitionLevels.count
    }

    @inline(__always)
    mutating func appendLevels(def: Int, rep: Int) {
        if tracksDef { definitionLevels.append(UInt8(def)) }
        if tracksRep { repetitionLevels.append(UInt8(rep)) }
    }

    func columnData() -> ColumnData {
        ColumnData(
            values: values.columnValues(), definitionLevels: tracksDef ? definitionLevels : nil,
            repetitionLevels: tracksRep ? repetitionLevels : nil)
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

    /// Appends a value given as a parsed JSON value.
    mutating func append(_ v: JSONValue, spec: PrimitiveSpec) throws {
        switch spec.kind {
        case .boolean:
            guard case .bool(let b) = v else { throw ValueError(message: "expected true or false") }
            values.booleans.append(b)
        case .int:
            guard case .int(let i) = v, let x = Int32(exactly: i) else {
                throw ValueError(message: "expected a 32-bit integer")
            }
            values.int32s.append(x)
        case .long:
            guard case .int(let i) = v else { throw ValueError(message: "expected an integer") }
            values.int64s.append(i)
        case .float:
            values.floats.append(Float(try Self.floating(v)))
        case .double:
            values.doubles.append(try Self.floating(v))
        case .string:
            guard case .string(let s) = v else { throw ValueError(message: "expected a string") }
            values.bytes.append(s)
        case .decimal:
            let text: String
            switch v {
            case .string(let t): text = t
            case .int(let i): text = String(i)
            case .double(let d): text = String(d)
            default: throw ValueError(message: "expected a decimal string")
            }
            var t = text
            try t.withUTF8 { try appendText($0, spec: spec) }
        default:
            var t = try Self.string(v, "\(spec.type)")
            try t.withUTF8 { try appendText($0, spec: spec) }
        }
    }

    /// Appends a value given as the UTF-8 text of a JSON string (or number for decimals).
    mutating func appendText(_ text: UnsafeBufferPointer<UInt8>, spec: PrimitiveSpec) throws {
        let type = spec.type
        switch spec.kind {
        case .string:
            values.bytes.append(text)
        case .decimal:
            let p = spec.precision
            let s = spec.scale
            let unscaled: Int128
            do { unscaled = try DecimalValues.parse(utf8: text, precision: p, scale: s) } catch {
                throw ValueError(message: "\(error)")
            }
            if p <= 9 {
                values.int32s.append(Int32(unscaled))
            } else if p <= 18 {
                values.int64s.append(Int64(unscaled))
            } else {
                values.fixed.append(
                    contentsOf: DecimalValues.bytes(unscaled, width: IcebergType.decimalBytes(precision: p)))
            }
        case .date:
            do { values.int32s.append(try TemporalValues.parseDate(utf8: text)) } catch let e
                as TemporalValues.ParseError
            { throw ValueError(message: "invalid date: \(e)") }
        case .time:
            do { values.int64s.append(try TemporalValues.parseTime(utf8: text, unitsPerSecond: 1_000_000)) } catch let e
                as TemporalValues.ParseError
            { throw ValueError(message: "invalid time: \(e)") }
        case .timestamp, .timestamptz, .timestampNs, .timestamptzNs:
            let zone = spec.kind == .timestamptz || spec.kind == .timestamptzNs
            let units: Int64 = (spec.kind == .timestampNs || spec.kind == .timestamptzNs) ? 1_000_000_000 : 1_000_000
            do {
                values.int64s.append(
                    try TemporalValues.parseTimestamp(utf8: text, unitsPerSecond: units, withZone: zone))
            } catch let e as TemporalValues.ParseError { throw ValueError(message: "invalid \(type): \(e)") }
        case .uuid:
            guard let b = ByteText.parseUUID(String(decoding: text, as: UTF8.self)) else {
                throw ValueError(message: "invalid UUID")
            }
            values.fixed.append(contentsOf: b)
        case .fixed:
            let l = spec.length
            guard let b = ByteText.parseHex(String(decoding: text, as: UTF8.self)), b.count == l else {
                throw ValueError(message: "expected \(l) bytes as \(2 * l) hex digits")
            }
            values.fixed.append(contentsOf: b)
        case .binary:
            guard let b = ByteText.parseHex(String(decoding: text, as: UTF8.self)) else {
                throw ValueError(message: "invalid hex")
            }
            values.bytes.append(b)
        case .float, .double:
            switch String(decoding: text, as: UTF8.self) {
            case "NaN": spec.kind == .float ? values.floats.append(.nan) : values.doubles.append(.nan)
            case "Infinity": spec.kind == .float ? values.floats.append(.infinity) : values.doubles.append(.infinity)
            case "-Infinity": spec.kind == .float ? values.floats.append(-.infinity) : values.doubles.append(-.infinity)
            default: throw ValueError(message: "expected a number")
            }
        case .boolean, .int, .long:
            throw ValueError(message: "expected \(type), got a string")
        }
    }
}
