import ArgumentParser
import Iceberg
import JSONSupport

/// Options upserts and change events share: the key, the strategy, the branch.
struct KeyedWriteOptions: ParsableArguments {
    @Option(help: "Key columns, comma-separated (default: the table's identifier fields).") var key: String?
    @Option(help: "auto, equality-deletes or position-deletes (default: the table's write.upsert.mode, else auto).")
    var strategy: String?
    @Option(help: "Commit to this branch.") var branch = "main"

    func upsertOptions(updateMatched: Bool = true, insertUnmatched: Bool = true) throws -> UpsertRows.Options {
        let strategy = try strategy.map {
            guard let s = UpsertStrategy(rawValue: $0) else {
                throw ValidationError("--strategy must be auto, equality-deletes or position-deletes, not '\($0)'")
            }
            return s
        }
        let keys = key.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return UpsertRows.Options(
            keyColumns: keys, updateMatched: updateMatched, insertUnmatched: insertUnmatched, strategy: strategy)
    }

    /// The JSON object the commands print: what the upsert did and the snapshot's summary.
    static func report(_ r: UpsertRows.Result, table: Table) -> JSONValue {
        func count(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        return .object([
            ("table", .string(table.identifier.description)), ("snapshot-id", r.snapshotId.map { .int($0) } ?? .null),
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
        let (path, branch) = (file, keyed.branch)
        try await options.withTable(table) { table in
            let rows = try readJSONRows(path).map { (rowNumber: $0.0, row: $0.1) }
            let r = try await table.upsert(rows, options: upsert, branch: branch)
            options.emit(KeyedWriteOptions.report(r, table: table))
        }
    }
}
