import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files", abstract: "List a table's data files with partitions, counts, sizes and bounds.")
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    @Option(help: "Snapshot to list (default: current).") var snapshotId: Int64?
    func run() async throws {
        let snap = snapshotId
        try await options.withTable(table) { t in
            let scan = try TableScan(metadata: t.metadata, io: t.io, snapshotId: snap)
            let schema = t.metadata.currentSchema
            var printer = options.printer()
            for task in try await scan.planFiles() {
                let f = task.file
                let spec = t.metadata.spec(id: task.specId) ?? t.metadata.defaultSpec
                let ptype = try spec.partitionType(schema)
                let partition: [(String, JSONValue)] = zip(ptype.fields, f.partition).map { field, v in
                    (field.name, v.map { $0.json(as: field.type) } ?? .null)
                }
                func bounds(_ m: [Int: [UInt8]]) -> JSONValue {
                    .object(
                        m.keys.sorted().compactMap { k in
                            guard let type = schema.type(ofFieldId: k), let lit = Literal.deserialize(m[k]!, as: type)
                            else { return nil }
                            return (schema.columnName(id: k) ?? String(k), lit.json(as: type))
                        })
                }
                func counts(_ m: [Int: Int64]) -> JSONValue {
                    .object(m.keys.sorted().map { (schema.columnName(id: $0) ?? String($0), .int(m[$0]!)) })
                }
                printer.row(
                    JSONValue.object([
                        ("file-path", .string(f.filePath)), ("file-format", .string(f.fileFormat)),
                        ("spec-id", .int(Int64(task.specId))),
                        ("partition", .object(partition)), ("record-count", .int(f.recordCount)),
                        ("file-size-in-bytes", .int(f.fileSizeInBytes)),
                        ("value-counts", counts(f.valueCounts)), ("null-value-counts", counts(f.nullValueCounts)),
                        ("nan-value-counts", counts(f.nanValueCounts)), ("lower-bounds", bounds(f.lowerBounds)),
                        ("upper-bounds", bounds(f.upperBounds)),
                    ]))
            }
            printer.finish()
        }
    }
}
