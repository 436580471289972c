import ArgumentParser
import Iceberg
import JSONSupport

/// Commits snapshot operations and prints the current snapshot and the metadata location.
func commitSnapshots(_ options: CatalogOptions, _ table: String, _ ops: [ManageSnapshots.Operation])
    async throws
{
    try await commitSnapshots(options, table) { _ in ops }
}

/// Commits the snapshot operations `ops` builds from the loaded table's metadata.
func commitSnapshots(
    _ options: CatalogOptions, _ table: String, _ ops: @escaping (TableMetadata) -> [ManageSnapshots.Operation]
) async throws {
    try await options.commit(
        table, { try await $0.manageSnapshots(ops($0.metadata)) },
        printing: { [("current-snapshot-id", $0.metadata.currentSnapshotId.map { .int($0) } ?? .null)] })
}

/// `1700000000000` or `2024-05-01T12:00:00+00:00` as ms since the epoch.
func parseMillis(_ text: String) throws -> Int64 {
    if let ms = Int64(text) { return ms }
    return try TemporalValues.parseTimestamp(text, unitsPerSecond: 1_000_000, withZone: true) / 1000
}

struct RefCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ref", abstract: "List, create, rename, fast-forward and remove branches and tags.",
        subcommands: [
            List.self, CreateBranch.self, CreateTag.self, Replace.self, Remove.self, Rename.self, FastForward.self,
        ])

}
