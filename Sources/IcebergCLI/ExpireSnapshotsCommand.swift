import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ExpireSnapshotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire-snapshots",
        abstract: "Remove old snapshots and delete the files only they reached.",
        discussion: """
            Keeps every branch's and tag's snapshot, the newest --retain-last ancestors of each branch and \
            everything newer than --older-than (defaults: the table's history.expire.* properties, \
            1 snapshot and 5 days). Prints one JSON object with what was removed.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    @Option(help: "Expire snapshots older than this ISO-8601 time.") var olderThan: String?
    @Option(help: "Ancestors each branch keeps whatever their age.") var retainLast: Int?
    @Option(name: .customLong("snapshot-id"), help: "Expire this snapshot (repeatable).") var snapshotIds: [Int64] = []
    @Flag(help: "Only remove the snapshots from the metadata; delete no files.") var keepFiles = false
    @Flag(help: "Also remove schemas and partition specs no kept snapshot uses.") var cleanExpiredMetadata = false
    @Flag(help: "Print what would expire; change nothing.") var dryRun = false

    func run() async throws {
        // Arguments are checked before the catalog is opened (which may reach a remote service).
        if let n = retainLast, n < 1 { throw ValidationError("--retain-last must be at least 1") }
        let olderThanMs = try olderThan.map {
            try TemporalValues.parseTimestamp($0, unitsPerSecond: 1_000_000, withZone: true) / 1000
        }
        var expiration = ExpireSnapshots(
            olderThanMs: olderThanMs, retainLast: retainLast, snapshotIds: Set(snapshotIds), deleteFiles: !keepFiles)
        expiration.cleanExpiredMetadata = cleanExpiredMetadata
        let dry = dryRun
        try await options.withTable(table) { table in
            if dry {
                let plan = try expiration.plan(table.metadata)
                options.emit(
                    JSONValue.object([
                        ("dry-run", .bool(true)), ("expired-snapshot-ids", .array(plan.snapshotIds.map { .int($0) })),
                        ("removed-refs", .array(plan.refs.map { .string($0) })),
                    ]))
                return
            }
            let r = try await table.expireSnapshots(expiration)
            options.emit(
                JSONValue.object([
                    ("expired-snapshot-ids", .array(r.expiredSnapshotIds.map { .int($0) })),
                    ("removed-refs", .array(r.removedRefs.map { .string($0) })),
                    ("removed-schema-ids", .array(r.removedSchemaIds.map { .int(Int64($0)) })),
                    ("removed-spec-ids", .array(r.removedSpecIds.map { .int(Int64($0)) })),
                    ("deleted-data-files", .int(Int64(r.deletedDataFiles))),
                    ("deleted-delete-files", .int(Int64(r.deletedDeleteFiles))),
                    ("deleted-manifests", .int(Int64(r.deletedManifests))),
                    ("deleted-manifest-lists", .int(Int64(r.deletedManifestLists))),
                    ("failed-deletes", .array(r.failedDeletes.map { .string($0) })),
                ]))
        }
    }
}
