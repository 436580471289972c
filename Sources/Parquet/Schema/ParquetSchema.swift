/// A node of a Parquet schema tree: a group with children or a primitive leaf.
public struct SchemaNode: Sendable, Hashable {
    /// The flattened element describing this node.
    public var element: SchemaElement
    /// Children of a group; empty for leaves.
    public var children: [SchemaNode]
    /// Definition level reached when this node is present.
    public internal(set) var definitionLevel: Int = 0
    /// Repetition level of the innermost repeated node at or above this node.
    public internal(set) var repetitionLevel: Int = 0
    /// Path of names from the root's children down to this node.
    public internal(set) var path: [String] = []
    /// Leaf column indices under this node (contiguous range).
    public internal(set) var leafRange: Range<Int> = 0..<0

    /// The node's name.
    public var name: String { element.name }
    /// Whether this is a primitive leaf.
    public var isLeaf: Bool { element.type != nil && children.isEmpty && element.numChildren == nil }
    /// The repetition (required for the root).
    public var repetition: Repetition { element.repetition ?? .required }

    /// A group node.
    public static func group(
        _ name: String, _ repetition: Repetition, fieldId: Int32? = nil,
        logicalType: LogicalType? = nil, convertedType: ConvertedType? = nil,
        children: [SchemaNode]
    ) -> SchemaNode {
        SchemaNode(
            element: SchemaElement(
                name: name, repetition: repetition, numChildren: Int32(children.count),
                convertedType: convertedType, fieldId: fieldId, logicalType: logicalType),
            children: children)
    }

    /// A primitive leaf node. Legacy converted types are derived from the logical type.
    public static func primitive(
        _ name: String, _ type: PhysicalType, _ repetition: Repetition, fieldId: Int32? = nil,
        logicalType: LogicalType? = nil, typeLength: Int32? = nil
    ) -> SchemaNode {
        var e = SchemaElement(
            name: name, type: type, typeLength: typeLength, repetition: repetition,
            fieldId: fieldId, logicalType: logicalType)
        if let lt = logicalType {
            e.convertedType = lt.legacyConvertedType
            if case .decimal(let p, let s) = lt {
                e.precision = p
                e.scale = s
            }
        }
        return SchemaNode(element: e, children: [])
    }

    /// Creates a node from an element and children.
    public init(element: SchemaElement, children: [SchemaNode]) {
        self.element = element
        self.children = children
    }
}

extension LogicalType {
    /// The legacy converted type that matches this logical type, if one exists.
    public var legacyConvertedType: ConvertedType? {
        switch self {
        case .string: return .utf8
        case .map: return .map
        case .list: return .list
        case .enum: return .enum
        case .decimal: return .decimal
        case .date: return .date
        case .time(_, .millis): return .timeMillis
        case .time(_, .micros): return .timeMicros
        case .timestamp(true, .millis): return .timestampMillis
        case .timestamp(true, .micros): return .timestampMicros
        case .integer(let bits, let signed):
            switch (bits, signed) {
            case (8, true): return .int8
            case (16, true): return .int16
            case (32, true): return .int32
            case (64, true): return .int64
            case (8, false): return .uint8
            case (16, false): return .uint16
            case (32, false): return .uint32
            case (64, false): return .uint64
            default: return nil
            }
        case .json: return .json
        case .bson: return .bson
        default: return nil
        }
    }
}

/// A leaf column: its node, levels and position.
public struct ColumnDescriptor: Sendable, Hashable {
    /// The leaf node.
    public var node: SchemaNode
    /// Position among the leaves.
    public var index: Int
    /// Maximum definition level.
    public var maxDefinitionLevel: Int { node.definitionLevel }
    /// Maximum repetition level.
    public var maxRepetitionLevel: Int { node.repetitionLevel }
    /// Physical type.
    public var physicalType: PhysicalType { node.element.type! }
    /// Byte width for FIXED_LEN_BYTE_ARRAY (12 for INT96).
    public var typeLength: Int {
        physicalType == .int96 ? 12 : Int(node.element.typeLength ?? 0)
    }
    /// Dotted path.
    public var path: [String] { node.path }
    /// The effective logical type, derived from the converted type when absent.
    public var logicalType: LogicalType? { node.element.effectiveLogicalType }
    /// The sort order used for statistics.
    public var sortOrder: SortOrder { SortOrder(physicalType: physicalType, logicalType: logicalType) }
}

extension SchemaElement {
    /// The logical type, falling back to the legacy converted type.
    public var effectiveLogicalType: LogicalType? {
        if let lt = logicalType { return lt }
        guard let ct = convertedType else { return nil }
        switch ct {
        case .utf8: return .string
        case .map, .mapKeyValue: return .map
        case .list: return .list
        case .enum: return .enum
        case .decimal: return .decimal(precision: precision ?? 0, scale: scale ?? 0)
        case .date: return .date
        case .timeMillis: return .time(isAdjustedToUTC: true, unit: .millis)
        case .timeMicros: return .time(isAdjustedToUTC: true, unit: .micros)
        case .timestampMillis: return .timestamp(isAdjustedToUTC: true, unit: .millis)
        case .timestampMicros: return .timestamp(isAdjustedToUTC: true, unit: .micros)
        case .uint8: return .integer(bitWidth: 8, isSigned: false)
        case .uint16: return .integer(bitWidth: 16, isSigned: false)
        case .uint32: return .integer(bitWidth: 32, isSigned: false)
        case .uint64: return .integer(bitWidth: 64, isSigned: false)
        case .int8: return .integer(bitWidth: 8, isSigned: true)
        case .int16: return .integer(bitWidth: 16, isSigned: true)
        case .int32: return .integer(bitWidth: 32, isSigned: true)
        case .int64: return .integer(bitWidth: 64, isSigned: true)
        case .json: return .json
        case .bson: return .bson
        case .interval: return nil
        }
    }
}

/// How min/max statistics of a column compare.
public enum SortOrder: Sendable, Hashable {
    /// Two's complement integers (and IEEE floats with NaN excluded).
    case signed
    /// Unsigned integers or bytes compared lexicographically as unsigned.
    case unsigned
    /// Big-endian two's complement byte strings (decimals stored as bytes).
    case signedBytes
    /// No defined order (INT96, intervals): no statistics.
    case undefined

    init(physicalType: PhysicalType, logicalType: LogicalType?) {
        switch physicalType {
        case .boolean, .int32, .int64, .float, .double:
            if case .integer(_, false)? = logicalType { self = .unsigned } else { self = .signed }
        case .int96: self = .undefined
        case .byteArray, .fixedLenByteArray:
            if case .decimal? = logicalType {
                self = .signedBytes
            } else if physicalType == .fixedLenByteArray, logicalType == nil {
                self = .unsigned
            } else {
                self = .unsigned
            }
        }
    }
}

/// A Parquet schema: the tree under the root and its leaf columns.
public struct ParquetSchema: Sendable, Hashable {
    /// The root group (its children are the top-level fields).
    public private(set) var root: SchemaNode
    /// Leaf columns in depth-first order.
    public private(set) var columns: [ColumnDescriptor]

    /// Builds a schema from top-level fields.
    public init(fields: [SchemaNode], rootName: String = "schema") throws(ParquetError) {
        try self.init(root: .group(rootName, .required, children: fields))
    }

    /// Builds a schema from a root node, computing levels and paths.
    public init(root: SchemaNode) throws(ParquetError) {
        var root = root
        root.element.repetition = nil
        var leaves: [ColumnDescriptor] = []
        func annotate(_ node: inout SchemaNode, def: Int, rep: Int, path: [String], depth: Int) throws(ParquetError) {
            guard depth < 128 else { throw .invalidSchema("schema nests deeper than 128 levels") }
            node.definitionLevel = def
            node.repetitionLevel = rep
            node.path = path
            let start = leaves.count
            if node.children.isEmpty {
                guard node.element.type != nil else {
                    if depth == 0 {
                        node.leafRange = start..<start
                        return
                    }
                    throw .invalidSchema("group '\(path.joined(separator: "."))' has no children")
                }
                if node.element.type == .fixedLenByteArray, (node.element.typeLength ?? 0) <= 0 {
                    throw .invalidSchema(
                        "column '\(path.joined(separator: "."))' is FIXED_LEN_BYTE_ARRAY without a positive type_length"
                    )
                }
                leaves.append(ColumnDescriptor(node: node, index: start))
            } else {
                for i in node.children.indices {
                    let child = node.children[i]
                    let r = child.repetition
                    try annotate(
                        &node.children[i],
                        def: def + (r == .required ? 0 : 1),
                        rep: rep + (r == .repeated ? 1 : 0),
                        path: path + [child.name], depth: depth + 1)
                }
                node.element.numChildren = Int32(node.children.count)
            }
            node.leafRange = start..<leaves.count
            if node.children.isEmpty { leaves[start].node = node }
        }
        try annotate(&root, def: 0, rep: 0, path: [], depth: 0)
        self.root = root
        self.columns = leaves
    }

    /// Rebuilds the tree from the footer's flattened elements.
    public init(elements: [SchemaElement]) throws(ParquetError) {
        guard !elements.isEmpty else { throw .invalidSchema("empty schema") }
        var index = 0
        func build(depth: Int) throws(ParquetError) -> SchemaNode {
            guard index < elements.count else { throw .invalidSchema("schema element list ends early") }
            guard depth < 128 else { throw .invalidSchema("schema nests deeper than 128 levels") }
            let e = elements[index]
            index += 1
            let n = Int(e.numChildren ?? 0)
            if e.type != nil && n == 0 && (depth > 0) { return SchemaNode(element: e, children: []) }
            guard n >= 0, n <= elements.count - index else {
                throw .invalidSchema(
                    "element '\(e.name)' claims \(n) children but only \(elements.count - index) elements follow")
            }
            var children: [SchemaNode] = []
            children.reserveCapacity(n)
            for _ in 0..<n { children.append(try build(depth: depth + 1)) }
            return SchemaNode(element: e, children: children)
        }
        let root = try build(depth: 0)
        guard index == elements.count else {
            throw .invalidSchema("\(elements.count - index) schema elements are not reachable from the root")
        }
        try self.init(root: root)
    }

    /// The flattened depth-first element list for the footer.
    public var elements: [SchemaElement] {
        var out: [SchemaElement] = []
        func walk(_ n: SchemaNode) {
            out.append(n.element)
            for c in n.children { walk(c) }
        }
        walk(root)
        return out
    }

    /// Finds the node at a dotted path of names.
    public func node(at path: [String]) -> SchemaNode? {
        var node = root
        for name in path {
            guard let c = node.children.first(where: { $0.name == name }) else { return nil }
            node = c
        }
        return node
    }
}
