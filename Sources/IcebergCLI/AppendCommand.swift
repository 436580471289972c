import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append", abstract: "Append JSON-lines rows to a table as one snapshot.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "JSON-lines file (default: standard input).") var file: String?
    @Option(parsing: .upToNextOption, help: "Add existing Parquet files instead of rows (not rewritten).") var parquet:
        [String] = []
    @Option(help: "Commit to this branch (created when missing).") var branch = "main"

    func run() async throws {
        let path = file
        let branch = branch
        let existing = parquet.map { absolutePath($0) }
        guard existing.isEmpty || path == nil else { throw ValidationError("use either --file or --parquet") }
        if !existing.isEmpty {
            try await options.withTable(table) { loaded in
                let files = try await AddFiles(metadata: loaded.metadata, io: loaded.io).dataFiles(existing)
                var txn = loaded.newTransaction()
                txn.appendFiles(files, branch: branch)
                if loaded.metadata.property(TableProperties.nameMappingDefault.key) == nil {
                    txn.updateProperties(set: [
                        (
                            TableProperties.nameMappingDefault.key,
                            AddFiles.nameMapping(loaded.metadata.currentSchema).serialized()
                        )
                    ])
                }
                let committed = try await txn.commit()
                options.emit(
                    JSONValue.object([
                        ("table", .string(loaded.identifier.description)),
                        ("snapshot-id", committed.metadata.ref(branch).map { .int($0.snapshotId) } ?? .null),
                        ("added-files", .int(Int64(files.count))),
                        ("added-records", .int(files.reduce(0) { $0 + $1.recordCount })),
                    ]))
            }
            return
        }
        try await options.withTable(table) { loaded in
            let rows = try readJSONRows(path)
            let start = WallClock.nowMs()
            var txn = loaded.newTransaction()
            txn.append(jsonRows: rows, branch: branch)
            let committed = try await txn.commit()
            let head = committed.metadata.ref(branch).flatMap { committed.metadata.snapshot(id: $0.snapshotId) }
            options.emit(
                JSONValue.object([
                    ("table", .string(loaded.identifier.description)),
                    ("snapshot-id", head.map { .int($0.snapshotId) } ?? .null),
                    ("added-records", .int(Int64(rows.count))),
                    ("data-files", .int(Int64(head?.summary("added-data-files").flatMap { Int64($0) } ?? 0))),
                    ("write-and-commit-ms", .int(WallClock.nowMs() - start)),
                ]))
        }
    }
}
