import JSONSupport
import Parquet

/// Registers existing Parquet files with a table without rewriting them: the schema is
/// matched by field ids or, for files written without ids, by name (and the table gets the
/// spec's `schema.name-mapping.default` so every engine resolves names the same way); metrics
/// come from the footer; the partition tuple from the source columns' bounds — a file whose
/// rows span several partitions is refused.
public struct AddFiles {
    /// The table's metadata.
    public let metadata: TableMetadata
    /// Storage.
    public let io: FileIO

    /// Creates the operation.
    public init(metadata: TableMetadata, io: FileIO) {
        self.metadata = metadata
        self.io = io
    }

    /// The name mapping of a schema (JSON, Appendix C).
    public static func nameMapping(_ schema: Schema) -> JSONValue {
        func fields(_ fs: [NestedField]) -> JSONValue { .array(fs.map { f in entry(f.id, [f.name], f.type) }) }
        func entry(_ id: Int, _ names: [String], _ type: IcebergType) -> JSONValue {
            var pairs: [(String, JSONValue)] = [
                ("field-id", .int(Int64(id))), ("names", .array(names.map { .string($0) })),
            ]
            switch type {
            case .struct(let s): pairs.append(("fields", fields(s.fields)))
            case .list(let l): pairs.append(("fields", .array([entry(l.elementId, ["element"], l.element)])))
            case .map(let m):
                pairs.append(
                    ("fields", .array([entry(m.keyId, ["key"], m.key), entry(m.valueId, ["value"], m.value)])))
            default: break
            }
            return .object(pairs)
        }
        return fields(schema.fields)
    }

    /// Field ids of a file's schema: its own, else resolved by name against the table schema.
    static func assignIds(_ parquet: ParquetSchema, _ schema: Schema) throws -> ParquetSchema {
        if parquet.columns.allSatisfy({ $0.node.element.fieldId != nil }) { return parquet }
        func assign(_ node: inout SchemaNode, _ type: IcebergType) {
            switch type {
            case .struct(let s):
                for i in node.children.indices {
                    if let f = s.fields.first(where: { $0.name == node.children[i].name }) {
                        node.children[i].element.fieldId = Int32(f.id)
                        assign(&node.children[i], f.type)
                    }
                }
            case .list(let l):
                // 3-level: group (LIST) { repeated group list { element } }
                if var r = node.children.first {
                    if r.children.count == 1 {
                        r.children[0].element.fieldId = Int32(l.elementId)
                        assign(&r.children[0], l.element)
                    } else {
                        r.element.fieldId = Int32(l.elementId)
                        assign(&r, l.element)
                    }
                    node.children[0] = r
                }
            case .map(let m):
                if var kv = node.children.first, kv.children.count >= 1 {
                    kv.children[0].element.fieldId = Int32(m.keyId)
                    assign(&kv.children[0], m.key)
                    if kv.children.count > 1 {
                        kv.children[1].element.fieldId = Int32(m.valueId)
                        assign(&kv.children[1], m.value)
                    }
                    node.children[0] = kv
                }
            default: break
            }
        }
        var root = parquet.root
        assign(&root, .struct(StructType(schema.fields)))
        return try ParquetSchema(root: root)
    }

    /// Builds the data file entries for existing Parquet files.
    public func dataFiles(_ locations: [String]) async throws -> [DataFile] {
        let schema = metadata.currentSchema
        let spec = metadata.defaultSpec
        var out: [DataFile] = []
        for location in locations {
            let input = try await io.input(location)
            let reader: ParquetReader
            do { reader = try ParquetReader(input: ParquetInput.of(input)) } catch {
                throw IcebergError.invalidValue(row: nil, field: location, detail: "\(error)")
            }
            let parquet = try Self.assignIds(reader.schema, schema)
            let leafIds = Set(parquet.columns.compactMap { $0.node.element.fieldId.map(Int.init) })
            for f in schema.fields where f.required {
                if !leafIds.contains(f.id)
                    && parquet.root.children.first(where: { $0.element.fieldId.map(Int.init) == f.id }) == nil
                {
                    throw IcebergError.invalidValue(
                        row: nil, field: location, detail: "the file has no column for required field '\(f.name)'")
                }
            }
            // Types must match the table's (Parquet physical type of each mapped leaf).
            let expected = try schema.parquetSchema()
            for c in parquet.columns {
                guard let id = c.node.element.fieldId,
                    let e = expected.columns.first(where: { $0.node.element.fieldId == id })
                else { continue }
                var compatible =
                    e.physicalType == c.physicalType || (e.physicalType == .int64 && c.physicalType == .int32)
                    || (e.physicalType == .double && c.physicalType == .float)
                // Decimals may be stored as INT32, INT64, fixed or binary (Iceberg's Parquet appendix).
                if case .decimal? = e.logicalType,
                    [.int32, .int64, .fixedLenByteArray, .byteArray].contains(c.physicalType)
                {
                    compatible = true
                }
                guard compatible else {
                    throw IcebergError.invalidValue(
                        row: nil, field: location,
                        detail:
                            "column '\(c.path.joined(separator: "."))' is \(c.physicalType.name), the table needs \(e.physicalType.name)"
                    )
                }
            }
            var file = DataFile(
                filePath: location, partition: [], recordCount: reader.rowCount, fileSizeInBytes: Int64(input.size))
            FileMetrics(schema: schema, mode: .full)
                .apply(reader.metadata, parquetSchema: parquet, nanCounts: [:], to: &file)
            file.nanValueCounts = [:]
            // Partition tuple from the source columns' bounds.
            var partition: [Literal?] = []
            for f in spec.fields {
                guard let sourceType = schema.field(id: f.sourceId)?.type else {
                    throw IcebergError.invalidSchema("partition source \(f.sourceId) missing")
                }
                let nulls = file.nullValueCounts[f.sourceId] ?? 0
                let values = file.valueCounts[f.sourceId] ?? 0
                if values > 0 && nulls == values {
                    partition.append(nil)
                    continue
                }
                guard let lo = file.lowerBounds[f.sourceId].flatMap({ Literal.deserialize($0, as: sourceType) }),
                    let hi = file.upperBounds[f.sourceId].flatMap({ Literal.deserialize($0, as: sourceType) })
                else {
                    throw IcebergError.invalidValue(
                        row: nil, field: location,
                        detail: "no bounds for partition source column \(f.sourceId): cannot tell its partition")
                }
                let a = f.transform.apply(lo, source: sourceType)
                let b = f.transform.apply(hi, source: sourceType)
                guard a == b, nulls == 0 || a == nil else {
                    throw IcebergError.invalidValue(
                        row: nil, field: location,
                        detail:
                            "rows span several partitions of '\(f.name)' (\(f.transform.pathValue(a, source: sourceType)) to \(f.transform.pathValue(b, source: sourceType)))"
                    )
                }
                partition.append(a)
            }
            file.partition = partition
            // Bounds stay truncated per the table's metrics mode.
            let truncated = try FileMetrics(schema: schema, properties: metadata.properties)
            for (id, lo) in file.lowerBounds {
                guard let type = schema.type(ofFieldId: id), let l = Literal.deserialize(lo, as: type),
                    let h = file.upperBounds[id].flatMap({ Literal.deserialize($0, as: type) })
                else { continue }
                let (tl, th) = truncated.truncate(l, h, truncated.mode(for: schema.columnName(id: id) ?? ""))
                file.lowerBounds[id] = tl.serialized(as: type)
                file.upperBounds[id] = th?.serialized(as: type)
            }
            out.append(file)
        }
        return out
    }
}
