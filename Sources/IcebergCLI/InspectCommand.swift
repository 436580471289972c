import ArgumentParser
import Iceberg
import JSONSupport

extension MetadataTableType: ExpressibleByArgument {}

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a metadata table of a table, as Spark's db.t.KIND shows it.",
        discussion: "KIND is one of: \(MetadataTableType.allCases.map(\.rawValue).joined(separator: ", ")). "
            + "manifests, files, data_files, delete_files, entries and partitions read the current snapshot "
            + "unless --snapshot-id or --ref names another.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "The table (NS.T).") var table: String
    @Argument(help: "The metadata table.") var kind: MetadataTableType
    @Option(help: "Snapshot to read (tables of one snapshot only).") var snapshotId: Int64?
    @Option(help: "Branch or tag whose snapshot to read (tables of one snapshot only).") var ref: String?

    func run() async throws {
        try await options.withTable(table) { t in
            let inspected = try await t.inspect(kind, snapshotId: snapshotId, ref: ref)
            var printer = options.printer()
            for row in try options.output == .table ? inspected.displayRows() : inspected.rows() { printer.row(row) }
            printer.finish()
        }
    }
}
