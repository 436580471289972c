import ArgumentParser
import Iceberg
import IcebergAWS
import JSONSupport

/// `iceberg maintenance get|set|status`: a table's maintenance settings — S3 Tables' own
/// maintenance configuration for an S3 Tables catalog, the `maintenance.*` properties that
/// `iceberg maintain` follows for any other.
struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract:
            "Show or change a table's maintenance settings (S3 Tables' configuration, or maintenance.* properties).",
        subcommands: [Get.self, Set.self, Status.self])

    /// The S3 Tables maintenance API of the catalog, when it is an S3 Tables catalog.
    static func s3Tables(_ catalog: any Catalog) -> S3TablesMaintenance? {
        guard let c = catalog as? PointerCatalog<S3TablesPointerStore> else { return nil }
        return S3TablesMaintenance(tableBucketARN: c.store.tableBucketARN, client: c.store.client)
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Print the maintenance settings: S3 Tables' table and bucket configuration, or the policy.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String

        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            try await reportingErrorsAsync {
                if let s3 = MaintenanceCommand.s3Tables(catalog) {
                    let table = try await s3.send(try s3.getTableConfiguration(id))
                    let bucket = try await s3.send(s3.getBucketConfiguration())
                    options.emit(.object([("table", table), ("bucket", bucket)]))
                    return
                }
                let m = try await catalog.loadTable(id).metadata
                func setting(_ name: String, _ enabled: Bool, _ fields: [(String, JSONValue)]) -> (String, JSONValue) {
                    (name, .object([("status", .string(enabled ? "enabled" : "disabled"))] + fields))
                }
                options.emit(
                    .object([
                        setting(
                            "compaction", try m.value(of: TableProperties.maintenanceCompactionEnabled),
                            [
                                (
                                    "target-file-size-mb",
                                    .int(Int64(try m.value(of: TableProperties.maintenanceTargetFileSizeMB)))
                                ),
                                (
                                    "strategy",
                                    .string(try m.value(of: TableProperties.maintenanceCompactionStrategy).rawValue)
                                ),
                            ]),
                        setting(
                            "snapshot-management", try m.value(of: TableProperties.maintenanceSnapshotsEnabled),
                            [
                                (
                                    "min-snapshots-to-keep",
                                    .int(Int64(try m.value(of: TableProperties.maintenanceMinSnapshotsToKeep)))
                                ),
                                (
                                    "max-snapshot-age-hours",
                                    .int(Int64(try m.value(of: TableProperties.maintenanceMaxSnapshotAgeHours)))
                                ),
                            ]),
                        setting("manifest-rewrite", try m.value(of: TableProperties.maintenanceManifestsEnabled), []),
                        setting(
                            "unreferenced-file-removal", try m.value(of: TableProperties.maintenanceOrphansEnabled),
                            [
                                (
                                    "unreferenced-days",
                                    .int(Int64(try m.value(of: TableProperties.maintenanceUnreferencedDays)))
                                ),
                                (
                                    "non-current-days",
                                    .int(Int64(try m.value(of: TableProperties.maintenanceNonCurrentDays)))
                                ),
                            ]),
                    ]))
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract:
                "Change maintenance settings (S3 Tables: one Put per setting given; else table properties, one commit)."
        )
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "enabled or disabled.") var compaction: Switch?
        @Option(help: "Compaction's target file size in MB (64 to 512).") var targetFileSizeMb: Int?
        @Option(help: "auto, binpack or sort.") var strategy: String?
        @Option(help: "enabled or disabled.") var snapshotManagement: Switch?
        @Option(help: "Snapshots each branch keeps.") var minSnapshotsToKeep: Int?
        @Option(help: "Age in hours after which a snapshot expires.") var maxSnapshotAgeHours: Int?
        @Option(help: "enabled or disabled (S3 Tables: the table bucket's setting).") var unreferencedFileRemoval:
            Switch?
        @Option(help: "Days a file is unreferenced before it is noncurrent.") var unreferencedDays: Int?
        @Option(help: "Days a noncurrent file is kept before it is deleted.") var nonCurrentDays: Int?

        enum Switch: String, ExpressibleByArgument {
            case enabled, disabled
        }

        func run() async throws {
            let strategy = try self.strategy.map { text in
                guard let s = CompactionStrategy(rawValue: text) else {
                    throw ValidationError("--strategy must be auto, binpack or sort, not '\(text)'")
                }
                return s
            }
            if let t = targetFileSizeMb, !(64...512).contains(t) {
                throw ValidationError("--target-file-size-mb must be from 64 to 512")
            }
            let compactionGiven = compaction != nil || targetFileSizeMb != nil || strategy != nil
            let snapshotsGiven = snapshotManagement != nil || minSnapshotsToKeep != nil || maxSnapshotAgeHours != nil
            let filesGiven = unreferencedFileRemoval != nil || unreferencedDays != nil || nonCurrentDays != nil
            guard compactionGiven || snapshotsGiven || filesGiven else {
                throw ValidationError("give at least one setting to change")
            }
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            try await reportingErrorsAsync {
                if let s3 = MaintenanceCommand.s3Tables(catalog) {
                    if compactionGiven {
                        try await s3.send(
                            try s3.putTableConfiguration(
                                id,
                                .compaction(
                                    enabled: compaction != .disabled, targetFileSizeMB: targetFileSizeMb,
                                    strategy: strategy)))
                    }
                    if snapshotsGiven {
                        try await s3.send(
                            try s3.putTableConfiguration(
                                id,
                                .snapshotManagement(
                                    enabled: snapshotManagement != .disabled, minSnapshotsToKeep: minSnapshotsToKeep,
                                    maxSnapshotAgeHours: maxSnapshotAgeHours)))
                    }
                    if filesGiven {
                        try await s3.send(
                            try s3.putBucketConfiguration(
                                .unreferencedFileRemoval(
                                    enabled: unreferencedFileRemoval != .disabled, unreferencedDays: unreferencedDays,
                                    nonCurrentDays: nonCurrentDays)))
                    }
                    options.emit(.object([("table", .string(id.description)), ("updated", .bool(true))]))
                    return
                }
                let P = TableProperties.self
                let given: [(String, String?)] = [
                    (P.maintenanceCompactionEnabled.key, compaction.map { String($0 == .enabled) }),
                    (P.maintenanceTargetFileSizeMB.key, targetFileSizeMb.map(String.init)),
                    (P.maintenanceCompactionStrategy.key, strategy?.rawValue),
                    (P.maintenanceSnapshotsEnabled.key, snapshotManagement.map { String($0 == .enabled) }),
                    (P.maintenanceMinSnapshotsToKeep.key, minSnapshotsToKeep.map(String.init)),
                    (P.maintenanceMaxSnapshotAgeHours.key, maxSnapshotAgeHours.map(String.init)),
                    (P.maintenanceOrphansEnabled.key, unreferencedFileRemoval.map { String($0 == .enabled) }),
                    (P.maintenanceUnreferencedDays.key, unreferencedDays.map(String.init)),
                    (P.maintenanceNonCurrentDays.key, nonCurrentDays.map(String.init)),
                ]
                let updates = given.compactMap { key, value in value.map { (key, $0) } }
                let t = try await catalog.loadTable(id)
                var txn = t.newTransaction()
                txn.updateProperties(set: updates)
                try await txn.commit()
                options.emit(
                    .object([
                        ("table", .string(id.description)), ("updated", .bool(true)),
                        ("metadata", .string(t.metadataLocation)),
                    ]))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Print S3 Tables' maintenance job status of a table.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String

        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            try await reportingErrorsAsync {
                guard let s3 = MaintenanceCommand.s3Tables(catalog) else {
                    throw CatalogError.unsupported(
                        "maintenance job status is S3 Tables' own; this catalog's tables are maintained by `iceberg maintain`"
                    )
                }
                options.emit(try await s3.send(try s3.getJobStatus(id)))
            }
        }
    }
}
