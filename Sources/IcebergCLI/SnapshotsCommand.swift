import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct SnapshotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots", abstract: "List a table's snapshots with their summaries.")
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    func run() async throws {
        try await options.withTable(table) { t in
            var printer = options.printer()
            for s in t.metadata.snapshots {
                printer.row(
                    JSONValue.object([
                        ("snapshot-id", .int(s.snapshotId)),
                        ("parent-snapshot-id", s.parentSnapshotId.map { .int($0) } ?? .null),
                        ("sequence-number", .int(s.sequenceNumber)), ("timestamp-ms", .int(s.timestampMs)),
                        (
                            "timestamp",
                            .string(
                                TemporalValues.formatTimestamp(
                                    s.timestampMs * 1000, unitsPerSecond: 1_000_000, utc: true))
                        ),
                        ("operation", .string(s.operation)), ("schema-id", s.schemaId.map { .int(Int64($0)) } ?? .null),
                        ("summary", .object(s.summary.map { ($0.0, .string($0.1)) })),
                        ("current", .bool(s.snapshotId == t.metadata.currentSnapshotId)),
                    ]))
            }
            printer.finish()
        }
    }
}
