import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Print a table's rows as JSON lines.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "Row filter, e.g. \"ts >= '2024-01-01T00:00:00+00:00' and category in ('a','b') and not (qty < 3)\".")
    var filter: String?
    @Option(help: "Comma-separated columns to print (top-level names or dotted paths into structs).") var columns:
        String?
    @Option(help: "Read this snapshot.") var snapshotId: Int64?
    @Option(help: "Read the snapshot current at this ISO-8601 time.") var asOf: String?
    @Option(help: "Read a branch or tag (a branch with the current schema, a tag with its snapshot's).") var ref:
        String?
    @Option(help: "Read a branch (the same as --ref).") var branch: String?
    @Option(help: "Print at most N rows.") var limit: Int?
    @Flag(
        help:
            "Read the rows without printing them; print what was pruned (files, row groups, pages, by partition, metrics, statistics, Bloom filter, page index) and read (pages, rows, bytes)."
    )
    var explain = false

    func run() async throws {
        let (snap, asOfText, refName, cols, lim, explaining) = (
            snapshotId, asOf, ref ?? branch, columns, limit, explain
        )
        let parsedFilter = try filter.map { try FilterParser.parse($0) }
        guard [snap != nil, asOfText != nil, ref != nil, branch != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("use at most one of --snapshot-id, --as-of, --ref and --branch")
        }
        try await options.withTable(table) { t in
            var chosen = snap
            if let text = asOfText {
                let micros = try TemporalValues.parseTimestamp(text, unitsPerSecond: 1_000_000, withZone: true)
                guard let s = t.metadata.snapshot(asOf: micros / 1000) else {
                    throw ValidationError("no snapshot at or before \(text)")
                }
                chosen = s.snapshotId
            }
            if let r = refName, branch != nil, t.metadata.ref(r)?.type == .tag {
                throw ValidationError("'\(r)' is a tag; read it with --ref")
            }
            var scan =
                try refName.map { try TableScan(metadata: t.metadata, io: t.io, ref: $0) }
                ?? TableScan(metadata: t.metadata, io: t.io, snapshotId: chosen)
            if let f = parsedFilter { scan = try scan.filtered(f) }
            if let c = cols {
                scan = try scan.selecting(c.split(separator: ",").map { String($0).trimmingCharacters() })
            }
            if explaining {
                let metrics = ScanMetrics()
                var remaining = lim ?? Int.max
                for try await batch in scan.batches(metrics: metrics) {
                    remaining -= batch.rowCount
                    if remaining <= 0 { break }
                }
                var out = StandardOutput()
                for line in metrics.report.lines { out.line(line) }
                out.flush()
                return
            }
            var printer = options.printer()
            var remaining = lim ?? Int.max
            scanning: for try await batch in scan.batches() {
                for row in try batch.jsonRows() {
                    if remaining <= 0 { break scanning }
                    printer.row(row)
                    remaining -= 1
                }
            }
            printer.finish()
        }
    }
}
