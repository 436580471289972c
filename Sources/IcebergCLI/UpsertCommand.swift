import ArgumentParser
import Iceberg
import JSONSupport

/// Options upserts and change events share: the key, the strategy, the branch.
struct KeyedWriteOptions: ParsableArguments {
    @Option(help: "Key columns, comma-separated (default: the table's identifier fields).") var key: String?
    @Option(help: "equality-deletes or position-deletes (default: the table's write.upsert.mode).") var strategy:
        String?
    @Option(help: "Commit to this branch.") var branch = "main"

    func upsertOptions(updateMatched: Bool = true, insertUnmatched: Bool = true) throws -> UpsertRows.Options {
        let strategy = try strategy.map {
            guard let s = UpsertStrategy(rawValue: $0) else {
                throw ValidationError("--strategy must be equality-deletes or position-deletes, not '\($0)'")
            }
            return s
        }
        let keys = key.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return UpsertRows.Options(
            keyColumns: keys, updateMatched: updateMatched, insertUnmatched: insertUnmatched, strategy: strategy)
    }

    /// The JSON object the commands print: what the upsert did and the snapshot's summary.
    static func report(_ r: UpsertRows.Result, table: Table, id: TableIdentifier) -> JSONValue {
        func count(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        return .object([
            ("table", .string(id.description)), ("snapshot-id", r.snapshotId.map { .int($0) } ?? .null),
            ("strategy", .string(r.strategy.rawValue)), ("written-rows", .int(r.writtenRows)),
            ("matched-rows", count(r.matchedRows)), ("inserted-rows", count(r.insertedRows)),
            ("deleted-keys", count(r.deletedKeys)), ("deleted-rows", .int(r.deletedRows)),
            ("added-delete-files", .int(Int64(r.addedDeleteFiles))),
            ("summary", snapshotSummary(table, r.snapshotId)),
        ])
    }
}

struct UpsertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upsert",
        abstract: "Update rows by key and insert the rest, from JSON-lines rows, in one snapshot.",
        discussion: """
            A row whose key is in the table replaces the rows with that key; the others are inserted. \
            equality-deletes writes the keys as equality deletes and appends the rows (no lookup); \
            position-deletes looks the keys up and deletes the old rows by position. A key repeated in \
            the input, or a row without its key, names the line and commits nothing.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "JSON-lines file (default: standard input).") var file: String?
    @OptionGroup var keyed: KeyedWriteOptions
    @Flag(help: "Only update rows whose key exists; insert nothing.") var noInsert = false
    @Flag(help: "Only insert rows whose key is new; update nothing.") var noUpdate = false

    func run() async throws {
        guard !(noInsert && noUpdate) else { throw ValidationError("--no-insert and --no-update leave nothing to do") }
        let upsert = try keyed.upsertOptions(updateMatched: !noUpdate, insertUnmatched: !noInsert)
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: table)
        let (path, branch) = (file, keyed.branch)
        try await reportingErrorsAsync {
            let rows = try readJSONRows(path).map { (rowNumber: $0.0, row: $0.1) }
            let table = try await catalog.loadTable(id)
            let r = try await table.upsert(rows, options: upsert, branch: branch)
            options.emit(KeyedWriteOptions.report(r, table: table, id: id))
        }
    }
}

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
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: table)
        let (path, branch) = (file, keyed.branch)
        try await reportingErrorsAsync {
            let events = try readJSONRows(path, allowingNull: true).map { (lineNumber: $0.0, event: $0.1) }
            let table = try await catalog.loadTable(id)
            let r = try await table.applyChanges(
                events, format: format, mappings: mappings, options: upsert, branch: branch)
            options.emit(KeyedWriteOptions.report(r, table: table, id: id))
        }
    }
}
