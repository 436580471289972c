import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print a table's metadata (by name or metadata file).",
        discussion: "JSON output is the metadata file's JSON; --output table prints a summary to read: the schema "
            + "as a tree, partition spec, sort order, current snapshot, refs and properties.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE or a path to a metadata.json file.") var table: String
    func run() async throws {
        let target = table
        let output = options.output
        if target.hasSuffix(".json") {
            let m = try TableMetadata(jsonText: try readTextFile(target))
            print(output == .table ? TableSummary(metadata: m, location: target).text : m.json.serialized(pretty: true))
            return
        }
        try await options.withTable(target) { t in
            if output == .table {
                print(TableSummary(metadata: t.metadata, location: t.metadataLocation, name: target).text)
                return
            }
            guard case .object(var pairs) = t.metadata.json else { return }
            pairs.insert(("metadata-location", .string(t.metadataLocation)), at: 0)
            print(JSONValue.object(pairs).serialized(pretty: true))
        }
    }
}

/// A table's metadata as a person reads it: one labelled section per line (or block).
struct TableSummary {
    let metadata: TableMetadata
    let location: String
    var name: String? = nil

    var text: String {
        let m = metadata
        var sections: [(String, [String])] = []
        if let name { sections.append(("Table", [name])) }
        sections += [
            ("Metadata location", [location]), ("Format version", [String(m.formatVersion)]),
            ("Table UUID", [m.tableUUID]), ("Location", [m.location]),
            ("Last updated", [Self.time(m.lastUpdatedMs)]),
            ("Current schema", ["schema \(m.currentSchemaId)"] + Self.tree(m.currentSchema.fields)),
        ]
        let schema = m.currentSchema
        if !schema.identifierFieldIds.isEmpty {
            let names = schema.identifierFieldIds.map { schema.columnName(id: $0) ?? String($0) }
            sections.append(("Identifier fields", [names.joined(separator: ", ")]))
        }
        func column(_ id: Int) -> String { schema.columnName(id: id) ?? "column \(id)" }
        let spec = m.defaultSpec
        sections.append(
            (
                "Partition spec",
                spec.fields.isEmpty
                    ? ["spec \(spec.specId): unpartitioned"]
                    : ["spec \(spec.specId)"]
                        + spec.fields.map { "\($0.fieldId): \($0.name) = \($0.transform)(\(column($0.sourceId)))" }
            ))
        let order = m.defaultSortOrder
        sections.append(
            (
                "Sort order",
                order.fields.isEmpty
                    ? ["unsorted"]
                    : ["order \(order.orderId)"]
                        + order.fields.map { f in
                            let term =
                                f.transform == .identity ? column(f.sourceId) : "\(f.transform)(\(column(f.sourceId)))"
                            return "\(term) \(f.direction.rawValue) \(f.nullOrder.rawValue)"
                        }
            ))
        if let s = m.currentSnapshot {
            sections.append(
                (
                    "Current snapshot",
                    [
                        "\(s.snapshotId): \(s.operation) at \(Self.time(s.timestampMs)), sequence number \(s.sequenceNumber)"
                            + (s.schemaId.map { ", schema \($0)" } ?? "")
                    ]
                        + s.summary.filter { $0.0 != "operation" }.map { "\($0.0): \($0.1)" }
                ))
        } else {
            sections.append(("Current snapshot", ["none"]))
        }
        sections.append(("Snapshots", [String(m.snapshots.count)]))
        sections.append(
            (
                "Refs",
                m.refs.isEmpty
                    ? ["none"] : m.refs.map { name, ref in "\(name): \(ref.type.rawValue) at \(ref.snapshotId)" }
            ))
        sections.append(
            ("Properties", m.properties.isEmpty ? ["none"] : m.properties.map { "\($0.0) = \($0.1)" }))
        let width = sections.map(\.0.count).max() ?? 0
        return sections.flatMap { label, lines in
            lines.enumerated().map { i, line in
                let shown = i == 0 ? label : ""
                return shown + String(repeating: " ", count: width + 2 - shown.count) + line
            }
        }.joined(separator: "\n")
    }

    /// Fields as a tree: `├── 1: id: required long`, nested fields indented under their parent.
    static func tree(_ fields: [NestedField], prefix: String = "") -> [String] {
        var lines: [String] = []
        for (i, f) in fields.enumerated() {
            let last = i == fields.count - 1
            let shown: String
            var children: [NestedField] = []
            switch f.type {
            case .struct(let s):
                shown = "struct"
                children = s.fields
            case .list(let l):
                shown = "list"
                children = [NestedField(id: l.elementId, name: "element", required: l.elementRequired, type: l.element)]
            case .map(let mt):
                shown = "map"
                children = [
                    NestedField(id: mt.keyId, name: "key", required: true, type: mt.key),
                    NestedField(id: mt.valueId, name: "value", required: mt.valueRequired, type: mt.value),
                ]
            default: shown = f.type.description
            }
            let doc = f.doc.map { " (\($0))" } ?? ""
            lines.append(
                prefix + (last ? "└── " : "├── ")
                    + "\(f.id): \(f.name): \(f.required ? "required" : "optional") \(shown)"
                    + doc)
            lines += tree(children, prefix: prefix + (last ? "    " : "│   "))
        }
        return lines
    }

    static func time(_ ms: Int64) -> String {
        TemporalValues.formatTimestamp(ms * 1000, unitsPerSecond: 1_000_000, utc: true)
    }
}
