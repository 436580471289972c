import ArgumentParser
import Iceberg
import JSONSupport

struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdc",
        abstract: "Apply a batch of change events (Debezium or flat) in one snapshot.",
        discussion: """
            Per key the last event wins: inserts and updates become upserts, deletes remove the key's \
            rows (a key not in the table is a no-op). debezium: {"op": "c"|"r"|"u"|"d", "before", \
            "after", "source", …}, optionally wrapped in {"payload": …}; null lines (tombstones) are \
            skipped. flat: the row with "_cdc_op": "I"|"U"|"D". --map source.lsn=src_lsn copies an \
            envelope value into a column. Temporal values must be ISO-8601 text.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "JSON-lines file of events (default: standard input).") var file: String?
    @Option(help: "debezium or flat.") var format: String
    @Option(help: "Copy an envelope value into a column: PATH=COLUMN (repeatable).") var map: [String] = []
    @OptionGroup var keyed: KeyedWriteOptions

    func run() async throws {
        guard let format = ChangeEventFormat(rawValue: format) else {
            throw ValidationError("--format must be debezium or flat, not '\(format)'")
        }
        let mappings = try map.map { m -> (from: String, to: String) in
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--map takes PATH=COLUMN, not '\(m)'")
            }
            return (parts[0], parts[1])
        }
        let upsert = try keyed.upsertOptions()
        let (path, branch) = (file, keyed.branch)
        try await options.withTable(table) { table in
            let events = try readJSONRows(path, allowingNull: true).map { (lineNumber: $0.0, event: $0.1) }
            let r = try await table.applyChanges(
                events, format: format, mappings: mappings, options: upsert, branch: branch)
            options.emit(KeyedWriteOptions.report(r, table: table))
        }
    }
}
