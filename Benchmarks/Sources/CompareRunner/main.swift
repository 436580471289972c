import Foundation
import Iceberg
import IcebergSQLite
import JSONSupport
import Parquet
import Workloads

// The Swift side of Benchmarks/compare. Usage:
//   compare-runner write DATA_DIR CODEC OUT_FILE RUNS   -> prints {"ms": [...]} (times of each run)
//   compare-runner read FILE RUNS                        -> prints {"ms": [...], "rows": N}
//   compare-runner iceberg-append DATA_DIR WORK_DIR RUNS [FILES_AT_ONCE] -> 1M events into a day(ts) table per run,
//                                                           files encoded FILES_AT_ONCE at a time (default 1): {"ms": [...]}
//   compare-runner iceberg-small DATA_DIR WORK_DIR N [KEY=VALUE…] -> N commits of 100 rows to a table with
//                                                           those properties, the last 100 alternating with the
//                                                           first 100 of a fresh table: {"ms": [...], "fresh_ms": [...]}
//   compare-runner iceberg-scan WORK_DIR FILTER RUNS      -> scan of the 1-file-at-a-time appended table, FILTER "-" for
//                                                           none, every column: {"ms": [...], "rows": N, "qty_sum": N}
//   compare-runner iceberg-scan-table CATALOG_DB WAREHOUSE CATALOG_NAME TABLE RUNS -> full scan of a table (deletes
//                                                           applied), every column: {"ms": [...], "rows": N}
//   compare-runner iceberg-sorted-append DATA_DIR WORK_DIR RUNS -> 1M events into a day(ts) table sorted by
//                                                           (category, ts) and into an unsorted one, alternating, one
//                                                           file at a time: {"sorted_ms": [...], "unsorted_ms": [...]}
//   compare-runner iceberg-delete DATA_DIR WORK_DIR RUNS FILTER MODE -> per run, 1M events into a fresh day(ts)
//                                                           table (untimed), then one delete of FILTER in MODE
//                                                           (copy-on-write or merge-on-read): {"ms": [...], "deleted": N}
//   compare-runner iceberg-delete-table CATALOG_DB WAREHOUSE CATALOG_NAME TABLE FILTER MODE -> one timed delete on
//                                                           an existing table: {"ms": [x], "deleted": N}
//   compare-runner iceberg-upsert DATA_DIR WORK_DIR RUNS ROWS_JSONL STRATEGY -> per run, 1M events into a fresh day(ts)
//                                                           table keyed by id (untimed), then one upsert of the rows
//                                                           (parsed untimed) with STRATEGY: {"ms": [...], "matched": N, "inserted": N}
//   compare-runner iceberg-cdc DATA_DIR WORK_DIR EVENTS_DIR BATCHES SPEC -> 1M events into a fresh table keyed by id
//                                                           partitioned by SPEC ("none": unpartitioned), then BATCHES
//                                                           commits of EVENTS_DIR/batch-K.jsonl (flat change events,
//                                                           parsed untimed), then full scans of it and of a copy of its
//                                                           rows in a fresh table: {"commit_ms": [...], "scan_ms": [...],
//                                                           "compacted_scan_ms": [...], "rows": N, "id_sum": N, "qty_sum": N}
//   compare-runner iceberg-maintain-after-cdc DATA_DIR WORK_DIR EVENTS_DIR BATCHES -> the iceberg-cdc table twice
//                                                           (bench.events, bench.twin; catalog "bench" in WORK_DIR), then
//                                                           compaction of bench.events as `maintain` runs it, the rest of
//                                                           `maintain`, and full scans before, after and of a fresh copy:
//                                                           {"compaction_ms": x, "scan_after_ms": [...], "scan_fresh_ms": [...], …}
//   compare-runner iceberg-rewrite-manifests DATA_DIR WORK_DIR APPENDS -> two day(ts) tables of APPENDS appends of 100
//                                                           events with manifest merging off (bench.events, bench.twin;
//                                                           catalog "bench"), then a timed manifest rewrite of
//                                                           bench.events: {"ms": x, "manifests_before": N, …}
//   compare-runner iceberg-lookup DATA_DIR WORK_DIR RUNS NOTE BLOOM -> 1M events into a fresh unpartitioned table
//                                                           of about 10 files (Bloom filters on note when BLOOM is
//                                                           1), then RUNS scans for note = NOTE: {"ms": [...],
//                                                           "rows": N, "files": N}
//   compare-runner iceberg-metadata-commits CATALOG_DIR RUNS -> on the events table there (1000 snapshots), RUNS schema
//                                                           changes (add a column) and RUNS property changes, each one
//                                                           commit on the loaded table: {"schema_ms": [...], "property_ms": [...]}

func codec(_ name: String) -> ParquetCompression {
    switch name {
    case "snappy": return .snappy
    case "zstd": return .zstd(level: 1)
    case "gzip": return .gzip(level: 6)
    default: return .uncompressed
    }
}

let args = CommandLine.arguments
guard args.count >= 2 else { fatalError("usage: compare-runner write|read …") }
switch args[1] {
case "write":
    let columns = try EventsColumns.load(directory: args[2])
    let data = columns.columnData()
    let schema = try EventsColumns.schema()
    var options = ParquetWriterOptions()
    options.compression = codec(args[3])
    var times: [Double] = []
    for _ in 0..<Int(args[5])! {
        let start = monotonicNanos()
        let writer = try ParquetWriter(sink: try FileSink(path: args[4]), schema: schema, options: options)
        try writer.write(data)
        try writer.close()
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times)}")
case "read":
    var times: [Double] = []
    var rows = 0
    for _ in 0..<Int(args[3])! {
        let start = monotonicNanos()
        let reader = try ParquetReader(path: args[2])
        rows = 0
        for g in 0..<reader.rowGroupCount {
            let columns = try reader.readRowGroup(g)
            rows += columns[0].levelCount
        }
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times), \"rows\": \(rows)}")
case "iceberg-append":
    let columns = try EventsColumns.load(directory: args[2])
    let data = columns.columnData()
    let filesAtOnce = args.count > 5 ? Int(args[5])! : 1
    var times: [Double] = []
    for run in 0..<Int(args[4])! {
        let dir = "\(args[3])/append-\(filesAtOnce)-\(run)"
        times.append(try await timedAppend(try await eventsTable(dir), data, filesAtOnce: filesAtOnce))
    }
    print("{\"ms\": \(times)}")
case "iceberg-small":
    let columns = try EventsColumns.load(directory: args[2])
    let data = columns.columnData()
    let properties = args.dropFirst(5).map { p in
        (String(p.prefix { $0 != "=" }), String(p.drop { $0 != "=" }.dropFirst()))
    }
    let base = "\(args[3])/small-\(properties.isEmpty ? "default" : "configured")"
    let catalog = try await eventsTable(base, properties: properties)
    let schema = try EventsColumns.schema()
    func batch(_ k: Int) -> [ColumnData] {
        data.enumerated().map { i, c in
            c.slice(rows: k * 100..<k * 100 + 100, maxDefinitionLevel: schema.columns[i].maxDefinitionLevel)
        }
    }
    let total = Int(args[4])!
    var times: [Double] = []
    for k in 0..<max(total - 100, 0) { times.append(try await timedAppend(catalog, batch(k))) }
    // The last 100 commits alternate with the first 100 commits of a fresh table, so both are
    // timed in the same minutes and the machine's drift does not enter their ratio.
    let fresh = try await eventsTable("\(base)-fresh", properties: properties)
    var freshTimes: [Double] = []
    for k in max(total - 100, 0)..<total {
        freshTimes.append(try await timedAppend(fresh, batch(k - max(total - 100, 0))))
        times.append(try await timedAppend(catalog, batch(k)))
    }
    print("{\"ms\": \(times), \"fresh_ms\": \(freshTimes)}")
case "iceberg-scan":
    let catalog = try SQLiteCatalog.open(
        path: "\(args[2])/append-1-0/catalog.db", name: "default", warehouse: "\(args[2])/append-1-0/warehouse")
    let id = TableIdentifier(namespace: Namespace(["bench"]), name: "events")
    var times: [Double] = []
    var count = 0
    for _ in 0..<Int(args[4])! {
        let start = monotonicNanos()
        let table = try await catalog.loadTable(id)
        var scan = try TableScan(metadata: table.metadata, io: table.io)
        if args[3] != "-" { scan = try scan.filtered(try FilterParser.parse(args[3])) }
        count = 0
        for try await batch in scan.batches() { count += batch.rowCount }
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    // Untimed: the qty sum of the rows, to check them against the peers'.
    let table = try await catalog.loadTable(id)
    var scan = try TableScan(metadata: table.metadata, io: table.io).selecting(["qty"])
    if args[3] != "-" { scan = try scan.filtered(try FilterParser.parse(args[3])) }
    var qtySum: Int64 = 0
    for try await batch in scan.batches() {
        for case .int(let v)? in batch.column("qty")?.literals() ?? [] { qtySum += Int64(v) }
    }
    print("{\"ms\": \(times), \"rows\": \(count), \"qty_sum\": \(qtySum)}")
case "iceberg-scan-table":
    let catalog = try SQLiteCatalog.open(path: args[2], name: args[4], warehouse: args[3])
    var times: [Double] = []
    var count = 0
    for _ in 0..<Int(args[6])! {
        let start = monotonicNanos()
        let table = try await catalog.loadTable(args[5])
        count = 0
        for try await batch in try table.scan().batches() { count += batch.rowCount }
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times), \"rows\": \(count)}")
case "iceberg-sorted-append":
    let columns = try EventsColumns.load(directory: args[2])
    let data = columns.columnData()
    var sorted: [Double] = []
    var unsorted: [Double] = []
    for run in 0..<Int(args[4])! {
        let plain = try await eventsTable("\(args[3])/unsorted-\(run)")
        unsorted.append(try await timedAppend(plain, data))
        let catalog = try await eventsTable("\(args[3])/sorted-\(run)")
        let table = try await catalog.loadTable("bench.events")
        try await table.replaceSortOrder(try SpecParsing.sortTerms("category, ts"))
        sorted.append(try await timedAppend(catalog, data))
    }
    print("{\"sorted_ms\": \(sorted), \"unsorted_ms\": \(unsorted)}")
case "iceberg-metadata-commits":
    let catalog = try SQLiteCatalog.open(
        path: "\(args[2])/catalog.db", name: "default", warehouse: "\(args[2])/warehouse")
    let table = try await catalog.loadTable("bench.events")
    var schemaTimes: [Double] = []
    var propertyTimes: [Double] = []
    for run in 0..<Int(args[3])! {
        var start = monotonicNanos()
        try await table.updateSchema([.addColumn(parent: nil, name: "swift_\(run)", type: .long)])
        schemaTimes.append(Double(monotonicNanos() - start) / 1e6)
        start = monotonicNanos()
        try await table.updateProperties(set: [("bench.run", String(run))])
        propertyTimes.append(Double(monotonicNanos() - start) / 1e6)
    }
    print(
        "{\"schema_ms\": \(schemaTimes), \"property_ms\": \(propertyTimes), \"snapshots\": \(table.metadata.snapshots.count)}"
    )
case "iceberg-delete":
    let columns = try EventsColumns.load(directory: args[2])
    let data = columns.columnData()
    guard let mode = DeleteMode(rawValue: args[6]) else { fatalError("unknown delete mode \(args[6])") }
    var times: [Double] = []
    var deleted: Int64 = 0
    for run in 0..<Int(args[4])! {
        let catalog = try await eventsTable("\(args[3])-\(run)")
        _ = try await timedAppend(catalog, data)
        let table = try await catalog.loadTable("bench.events")
        let start = monotonicNanos()
        deleted = try await table.delete(where: args[5], mode: mode).deletedRows
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times), \"deleted\": \(deleted)}")
case "iceberg-delete-table":
    let catalog = try SQLiteCatalog.open(path: args[2], name: args[4], warehouse: args[3])
    guard let mode = DeleteMode(rawValue: args[7]) else { fatalError("unknown delete mode \(args[7])") }
    let table = try await catalog.loadTable(args[5])
    let start = monotonicNanos()
    let deleted = try await table.delete(where: args[6], mode: mode).deletedRows
    print("{\"ms\": [\(Double(monotonicNanos() - start) / 1e6)], \"deleted\": \(deleted)}")
case "iceberg-upsert":
    let data = try EventsColumns.load(directory: args[2]).columnData()
    let rows = try readJSONLines(args[5])
    guard let strategy = UpsertStrategy(rawValue: args[6]) else { fatalError("unknown strategy \(args[6])") }
    var times: [Double] = []
    var result = UpsertRows.Result()
    for run in 0..<Int(args[4])! {
        let catalog = try await eventsTable("\(args[3])-\(run)", keyed: true)
        _ = try await timedAppend(catalog, data)
        let table = try await catalog.loadTable("bench.events")
        let start = monotonicNanos()
        result = try await table.upsert(rows, options: UpsertRows.Options(strategy: strategy))
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times), \"matched\": \(result.matchedRows ?? -1), \"inserted\": \(result.insertedRows ?? -1)}")
case "iceberg-lookup":
    let data = try EventsColumns.load(directory: args[2]).columnData()
    var properties = [("write.target-file-size-bytes", "2500000"), ("write.parquet.row-group-size-bytes", "1000000")]
    if args[6] == "1" { properties.append(("write.parquet.bloom-filter-enabled.column.note", "true")) }
    let catalog = try await eventsTable(args[3], properties: properties, spec: nil)
    let table = try await catalog.loadTable("bench.events")
    // Slices of 50,000 rows, so the writer rolls files at the target size (about 10 files).
    let schema = try EventsColumns.schema()
    var writer = try TableWriter(metadata: table.metadata, io: table.io)
    for k in 0..<20 {
        try await writer.append(
            columns: data.enumerated().map { i, c in
                c.slice(rows: k * 50_000..<(k + 1) * 50_000, maxDefinitionLevel: schema.columns[i].maxDefinitionLevel)
            })
    }
    try await table.appendFiles(try await writer.finish())
    var times: [Double] = []
    var rows = 0
    for _ in 0..<Int(args[4])! {
        let start = monotonicNanos()
        rows = 0
        for try await batch in try table.scan(filter: "note = '\(args[5])'").batches() { rows += batch.rowCount }
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    let files = try await table.scan().planFiles().count
    print("{\"ms\": \(times), \"rows\": \(rows), \"files\": \(files), \"metadata\": \"\(table.metadataLocation)\"}")
case "iceberg-cdc":
    let data = try EventsColumns.load(directory: args[2]).columnData()
    let catalog = try await eventsTable(args[3], spec: args[6] == "none" ? nil : args[6], keyed: true)
    _ = try await timedAppend(catalog, data)
    let table = try await catalog.loadTable("bench.events")
    var commits: [Double] = []
    for b in 0..<Int(args[5])! {
        let events = try readJSONLines("\(args[4])/batch-\(b).jsonl").map { (lineNumber: $0.rowNumber, event: $0.row) }
        let start = monotonicNanos()
        try await table.applyChanges(events, format: .flat)
        commits.append(Double(monotonicNanos() - start) / 1e6)
    }
    let after = try await fullScans(table)
    let fresh = try await fullScans(try await freshCopy(of: table, in: catalog))
    print(
        "{\"commit_ms\": \(commits), \"scan_ms\": \(after.ms), \"compacted_scan_ms\": \(fresh.ms), \"rows\": \(after.rows), \"id_sum\": \(after.idSum), \"qty_sum\": \(after.qtySum), \"compacted_rows\": \(fresh.rows)}"
    )
case "iceberg-maintain-after-cdc":
    // The CDC table of iceberg-cdc, twice (bench.events and its twin bench.twin, for Spark),
    // then compaction of bench.events as maintenance runs it (binpack, 512 MB target), then
    // the rest of `maintain`, then full scans: after the CDC, after maintenance, and of the
    // same rows written fresh.
    let data = try EventsColumns.load(directory: args[2]).columnData()
    let catalog = try await eventsTable(args[3], spec: nil, keyed: true, catalogName: "bench")
    _ = try await catalog.createTable(
        TableIdentifier(namespace: Namespace(["bench"]), name: "twin"),
        TableCreation(schema: try await catalog.loadTable("bench.events").schema))
    var tables: [Table] = []
    for name in ["events", "twin"] {
        let table = try await catalog.loadTable(TableIdentifier(namespace: Namespace(["bench"]), name: name))
        var writer = try TableWriter(metadata: table.metadata, io: table.io)
        try await writer.append(columns: data)
        try await table.appendFiles(try await writer.finish())
        for b in 0..<Int(args[5])! {
            let events = try readJSONLines("\(args[4])/batch-\(b).jsonl").map {
                (lineNumber: $0.rowNumber, event: $0.row)
            }
            try await table.applyChanges(events, format: .flat)
        }
        tables.append(table)
    }
    let table = tables[0]
    let before = try await fullScans(table)
    var start = monotonicNanos()
    let compaction = try await table.rewriteDataFiles(
        try TableMaintenance.compactionOptions(table.metadata, branch: "main"))
    let compactionMs = Double(monotonicNanos() - start) / 1e6
    start = monotonicNanos()
    let maintenance = try await table.maintain()
    let maintainMs = Double(monotonicNanos() - start) / 1e6
    let after = try await fullScans(table)
    let fresh = try await fullScans(try await freshCopy(of: table, in: catalog))
    print(
        "{\"compaction_ms\": \(compactionMs), \"maintain_rest_ms\": \(maintainMs), \"scan_before_ms\": \(before.ms), \"scan_after_ms\": \(after.ms), \"scan_fresh_ms\": \(fresh.ms), \"rows\": \(after.rows), \"id_sum\": \(after.idSum), \"qty_sum\": \(after.qtySum), \"rows_before\": \(before.rows), \"files_rewritten\": \(compaction.rewrittenDataFiles), \"files_added\": \(compaction.addedDataFiles), \"deletes_removed\": \(compaction.removedDeleteFiles), \"manifests_rewritten\": \(maintenance.rewrittenManifests)}"
    )
case "iceberg-rewrite-manifests":
    // Two tables of 1,000 manifests (1,000 appends of 100 events with manifest merging off:
    // bench.manifests and its twin bench.manifests_twin for Spark, catalog "bench" in
    // WORK_DIR), then one timed manifest rewrite of the first.
    let data = try EventsColumns.load(directory: args[2]).columnData()
    let catalog = try await eventsTable(
        args[3], properties: [("commit.manifest-merge.enabled", "false")], catalogName: "bench")
    let events = try await catalog.loadTable("bench.events")
    let twinId = TableIdentifier(namespace: Namespace(["bench"]), name: "twin")
    _ = try await catalog.createTable(
        twinId,
        TableCreation(
            schema: events.schema, spec: events.metadata.defaultSpec,
            properties: [("commit.manifest-merge.enabled", "false")]))
    let twin = try await catalog.loadTable(twinId)
    let appends = Int(args[4])!
    let levels = try events.schema.parquetSchema().columns.map(\.maxDefinitionLevel)
    for table in [events, twin] {
        for k in 0..<appends {
            var writer = try TableWriter(metadata: table.metadata, io: table.io)
            try await writer.append(
                columns: data.indices.map {
                    data[$0].slice(rows: k * 100..<(k + 1) * 100, maxDefinitionLevel: levels[$0])
                })
            try await table.appendFiles(try await writer.finish())
        }
    }
    let before = try await events.inspect(.manifests).rowCount
    let start = monotonicNanos()
    let result = try await events.rewriteManifests()
    let ms = Double(monotonicNanos() - start) / 1e6
    let after = try await events.inspect(.manifests).rowCount
    var rows = 0
    for try await batch in try events.scan().batches() { rows += batch.rowCount }
    print(
        "{\"ms\": \(ms), \"manifests_before\": \(before), \"manifests_after\": \(after), \"entries\": \(result.entries), \"rows\": \(rows)}"
    )
case "iceberg-inspect-files":
    // A table of 10,000 data files (the events rows by bucket(10000, id), one commit), then
    // its `files` metadata table (one columnar batch, as PyIceberg returns an Arrow table), timed.
    let catalog = try await eventsTable(args[3], spec: "bucket(10000, id)")
    let data = try EventsColumns.load(directory: args[2]).columnData()
    _ = try await timedAppend(catalog, data, filesAtOnce: 10_000)
    let table = try await catalog.loadTable("bench.events")
    var times: [Double] = []
    var files = 0
    for _ in 0..<Int(args[4])! {
        let start = monotonicNanos()
        files = try await table.inspect(.files).rowCount
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    // 100 orphans, four days old, among the table's files: found and removed.
    let old = timespec(tv_sec: time(nil) - 4 * 24 * 3600, tv_nsec: 0)
    var orphanTimes: [Double] = []
    var removed = 0
    for _ in 0..<Int(args[4])! {
        for i in 0..<100 {
            let path = "\(table.metadata.location)/data/orphan-\(i).parquet"
            try await table.io.write(path, Array("orphan".utf8))
            var times = [old, old]
            utimensat(AT_FDCWD, path, &times, 0)
        }
        let start = monotonicNanos()
        removed = try await table.deleteOrphanFiles().deletedFiles
        orphanTimes.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times), \"files\": \(files), \"orphan_ms\": \(orphanTimes), \"orphans_removed\": \(removed)}")
default:
    fatalError("unknown mode \(args[1])")
}

/// Three full scans of a table (every column): their times, and the rows, sum of ids and sum of qty.
func fullScans(_ table: Table) async throws -> (ms: [Double], rows: Int, idSum: Int64, qtySum: Int64) {
    var times: [Double] = []
    var (rows, idSum, qtySum) = (0, Int64(0), Int64(0))
    for _ in 0..<3 {
        let start = monotonicNanos()
        (rows, idSum, qtySum) = (0, 0, 0)
        for try await batch in try table.scan().batches() {
            rows += batch.rowCount
            if case .int64(let ids)? = batch.column("id")?.data?.values { idSum += ids.reduce(0, &+) }
            if case .int32(let q)? = batch.column("qty")?.data?.values { qtySum += q.reduce(0) { $0 + Int64($1) } }
        }
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    return (times, rows, idSum, qtySum)
}

/// The rows of `table` in a fresh table `bench.compacted` of the same schema and spec, one append.
func freshCopy(of table: Table, in catalog: SQLiteCatalog) async throws -> Table {
    let id = TableIdentifier(namespace: Namespace(["bench"]), name: "compacted")
    _ = try await catalog.createTable(id, TableCreation(schema: table.schema, spec: table.metadata.defaultSpec))
    let compacted = try await catalog.loadTable(id)
    var writer = try TableWriter(metadata: compacted.metadata, io: compacted.io)
    for try await batch in try table.scan().batches() { try await writer.append(batch) }
    try await compacted.appendFiles(try await writer.finish())
    return compacted
}

/// The JSON objects of a JSON-lines file with their line numbers.
func readJSONLines(_ path: String) throws -> [(rowNumber: Int, row: JSONValue)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var out: [(rowNumber: Int, row: JSONValue)] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
        out.append((i + 1, try JSONValue.parse(String(line))))
    }
    return out
}

/// Appends columns to the events table as one commit; returns the milliseconds taken.
func timedAppend(_ catalog: SQLiteCatalog, _ columns: [ColumnData], filesAtOnce: Int = 1) async throws -> Double {
    let id = TableIdentifier(namespace: Namespace(["bench"]), name: "events")
    let start = monotonicNanos()
    let table = try await catalog.loadTable(id)
    var writer = try TableWriter(metadata: table.metadata, io: table.io)
    writer.maxConcurrentFiles = filesAtOnce
    try await writer.append(columns: columns)
    try await table.appendFiles(try await writer.finish())
    return Double(monotonicNanos() - start) / 1e6
}

/// A fresh SQLite catalog with the events table partitioned by day(ts), as PyIceberg's side does.
/// `keyed`: `id` is the identifier field; `spec` nil: unpartitioned.
func eventsTable(
    _ dir: String, properties: [(String, String)] = [], spec: String? = "day(ts)", keyed: Bool = false,
    catalogName: String = "default"
) async throws -> SQLiteCatalog {
    try? LocalFileIO.makeDirectories(dir)
    let catalog = try SQLiteCatalog.open(path: "\(dir)/catalog.db", name: catalogName, warehouse: "\(dir)/warehouse")
    try await catalog.createNamespace(Namespace(["bench"]), properties: [])
    let schema = try Schema(
        identifierFieldIds: keyed ? [1] : [],
        fields: [
            .required(1, "id", .long), .optional(2, "ts", .timestamptz), .optional(3, "category", .string),
            .optional(4, "price", .double), .optional(5, "qty", .int), .optional(6, "note", .string),
        ])
    let spec = try spec.map { try SpecParsing.partitionSpec($0, schema: schema) } ?? .unpartitioned
    _ = try await catalog.createTable(
        TableIdentifier(namespace: Namespace(["bench"]), name: "events"),
        TableCreation(schema: schema, spec: spec, properties: properties))
    return catalog
}
