import ArgumentParser
import Iceberg
import IcebergAWS
import IcebergREST
import IcebergSQLite
import JSONSupport
import Parquet
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--catalog` (and the AWS options) shared by table commands.
struct CatalogOptions: ParsableArguments {
    @Option(help: """
        Catalog URI (default: ICEBERG_CATALOG, else sqlite:./warehouse/catalog.db): \
        sqlite:PATH?warehouse=DIR[&name=N] | s3tables:arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME | \
        glue[:CATALOG_ID]?warehouse=s3://BUCKET/PREFIX | rest+http(s)://HOST[:PORT][/PATH][?warehouse=W] | \
        s3tables-rest:arn:aws:s3tables:… | glue-rest:CATALOG_ID
        """)
    var catalog: String?
    @Option(help: "REST catalogs: a bearer token (default: ICEBERG_REST_TOKEN).") var token: String?
    @Option(help: "REST catalogs: OAuth2 client credentials CLIENT_ID:SECRET (default: ICEBERG_REST_CREDENTIAL).") var credential: String?
    @Option(help: "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, or the table bucket ARN's).")
    var region: String?
    @Option(help: "AWS shared-config profile (default: AWS_PROFILE or 'default').")
    var profile: String?

    /// Opens the catalog.
    func open() async throws -> any Catalog {
        let uri = catalog ?? ProcessInfo.environmentValue("ICEBERG_CATALOG") ?? "sqlite:./warehouse/catalog.db?warehouse=./warehouse"
        let settings = AWSSettings(region: region, profile: profile)
        if uri.hasPrefix("rest+http://") || uri.hasPrefix("rest+https://") { return try await openREST(String(uri.dropFirst("rest+".count)), settings) }
        if uri.hasPrefix("s3tables-rest:") {
            return try await AWSRESTCatalogs.s3Tables(tableBucketARN: String(uri.dropFirst("s3tables-rest:".count)), settings: settings)
        }
        if uri == "glue-rest" || uri.hasPrefix("glue-rest:") {
            return try await AWSRESTCatalogs.glue(catalogId: String(uri.dropFirst("glue-rest".count).drop { $0 == ":" }), settings: settings)
        }
        if uri.hasPrefix("s3tables:") {
            return try AWSCatalogs.s3Tables(tableBucketARN: String(uri.dropFirst("s3tables:".count)), settings: settings)
        }
        if uri == "glue" || uri.hasPrefix("glue:") || uri.hasPrefix("glue?") {
            let parts = uri.split(separator: "?", maxSplits: 1)
            let id = parts[0].dropFirst("glue".count).drop { $0 == ":" }
            let warehouse = parts.count > 1 ? queryValue(String(parts[1]), "warehouse") : nil
            guard let warehouse, warehouse.hasPrefix("s3://") else {
                throw ValidationError("glue catalogs need a warehouse: glue[:CATALOG_ID]?warehouse=s3://BUCKET/PREFIX")
            }
            return try AWSCatalogs.glue(catalogId: id.isEmpty ? nil : String(id), warehouse: warehouse, settings: settings)
        }
        guard uri.hasPrefix("sqlite:") else {
            throw ValidationError("unsupported catalog '\(uri)': expected sqlite:PATH?warehouse=DIR, s3tables:ARN or glue[:ID]?warehouse=s3://…")
        }
        let rest = uri.dropFirst("sqlite:".count)
        let parts = rest.split(separator: "?", maxSplits: 1)
        let path = absolute(String(parts[0]))
        let query = parts.count > 1 ? String(parts[1]) : ""
        let warehouse = queryValue(query, "warehouse").map(absolute)
        let name = queryValue(query, "name") ?? "default"
        let dir = String(path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
        let wh = warehouse ?? dir
        _ = mkdirs(wh)
        _ = mkdirs(dir)
        return try SQLiteCatalog.open(path: path, name: name, warehouse: wh)
    }

    /// A REST catalog at `url` (`http(s)://host[:port][/path][?warehouse=W]`); tables on
    /// `s3://` use S3 with the credentials the server vends, else the default chain.
    private func openREST(_ url: String, _ settings: AWSSettings) async throws -> any Catalog {
        let parts = url.split(separator: "?", maxSplits: 1)
        let warehouse = parts.count > 1 ? queryValue(String(parts[1]), "warehouse") : nil
        let token = self.token ?? ProcessInfo.environmentValue("ICEBERG_REST_TOKEN")
        let credential = self.credential ?? ProcessInfo.environmentValue("ICEBERG_REST_CREDENTIAL")
        var auth = RESTAuth.none
        if let token {
            guard credential == nil else { throw ValidationError("give either --token or --credential") }
            auth = .bearer(token)
        } else if let credential {
            guard let colon = credential.firstIndex(of: ":") else { throw ValidationError("--credential must be CLIENT_ID:SECRET") }
            auth = .oauth2(clientId: String(credential[..<colon]), clientSecret: String(credential[credential.index(after: colon)...]))
        }
        let options = RESTCatalogOptions(uri: String(parts[0]), warehouse: warehouse, auth: auth, fileIO: { location, config in
            guard location.hasPrefix("s3://") || location.hasPrefix("s3a://") else { return nil }
            let region = try config.last { $0.0 == "client.region" }?.1 ?? settings.resolvedRegion()
            return try AWSRESTCatalogs.s3FileIO(config: config, region: region, settings: settings, fallback: try settings.s3FileIO(region: region))
        })
        return try await RESTCatalog.connect(options, io: LocalFileIO())
    }

    /// The value of `key` in `a=1&b=2`.
    func queryValue(_ query: String, _ key: String) -> String? {
        for kv in query.split(separator: "&") {
            let pair = kv.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == key { return pair[1] }
        }
        return nil
    }

    func absolute(_ p: String) -> String {
        if p.hasPrefix("/") || p.contains("://") { return p }
        var buf = [CChar](repeating: 0, count: 4096)
        let cwd = getcwd(&buf, buf.count).map { String(cString: $0) } ?? "."
        var parts = cwd.split(separator: "/").map(String.init)
        for c in p.split(separator: "/") {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(String(c))
        }
        return "/" + parts.joined(separator: "/")
    }

    func mkdirs(_ path: String) -> Bool {
        var dir = ""
        for part in path.split(separator: "/") {
            dir += "/" + part
            if mkdir(dir, 0o755) != 0 && errno != EEXIST { return false }
        }
        return true
    }
}

enum ProcessInfo {
    static func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}

func parseProperties(_ items: [String]) throws -> [(String, String)] {
    try items.map { item in
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2, !kv[0].isEmpty else { throw ValidationError("property '\(item)' is not KEY=VALUE") }
        return (kv[0], kv[1])
    }
}

struct NamespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "namespace", abstract: "Create, list and drop namespaces.",
                                                    subcommands: [Create.self, List.self, Drop.self])

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "Namespace (dotted for nesting).") var namespace: String
        @Option(name: .customLong("property"), help: "KEY=VALUE (repeatable).") var properties: [String] = []
        func run() async throws {
            let catalog = try await options.open()
            let ns = try Namespace(parsing: namespace)
            let props = try parseProperties(properties)
            try await reportingErrorsAsync { try await catalog.createNamespace(ns, properties: props) }
            print(JSONValue.object([("namespace", .string(ns.description))]).serialized())
        }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "Parent namespace.") var parent: String?
        func run() async throws {
            let catalog = try await options.open()
            let p = try parent.map { try Namespace(parsing: $0) }
            try await reportingErrorsAsync {
                for ns in try await catalog.listNamespaces(parent: p) { print(JSONValue.object([("namespace", .string(ns.description))]).serialized()) }
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var namespace: String
        func run() async throws {
            let catalog = try await options.open()
            let ns = try Namespace(parsing: namespace)
            try await reportingErrorsAsync { try await catalog.dropNamespace(ns) }
        }
    }
}

struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "table", abstract: "Create, list, drop and rename tables.",
                                                    subcommands: [Create.self, List.self, Drop.self, Rename.self])

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "Iceberg schema JSON file.") var schema: String
        @Option(help: "Partition spec, e.g. \"day(ts),bucket(16,id),truncate(4,name),category\".") var partition: String?
        @Option(help: "Sort order, e.g. \"ts desc, id\".") var sort: String?
        @Option(name: .customLong("property"), help: "KEY=VALUE (repeatable).") var properties: [String] = []
        @Option(help: "Format version, 1 or 2.") var formatVersion: Int = 2
        @Option(help: "Table location (default: under the warehouse).") var location: String?
        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            let s = try Schema(jsonText: try readTextFile(schema))
            let spec = try partition.map { try SpecParsing.partitionSpec($0, schema: s) } ?? .unpartitioned
            let order = try sort.map { try SpecParsing.sortOrder($0, schema: s) } ?? .unsorted
            guard formatVersion == 1 || formatVersion == 2 else { throw ValidationError("--format-version must be 1 or 2") }
            let creation = TableCreation(schema: s, spec: spec, sortOrder: order, properties: try parseProperties(properties),
                                         location: location, formatVersion: formatVersion)
            try await reportingErrorsAsync {
                let t = try await catalog.createTable(id, creation)
                print(JSONValue.object([("table", .string(id.description)), ("location", .string(t.metadata.location)),
                                        ("metadata", .string(t.metadataLocation))]).serialized())
            }
        }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var namespace: String
        func run() async throws {
            let catalog = try await options.open()
            let ns = try Namespace(parsing: namespace)
            try await reportingErrorsAsync { for t in try await catalog.listTables(ns) { print(JSONValue.object([("table", .string(t.description))]).serialized()) } }
        }
    }

    struct Drop: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var table: String
        @Flag(help: "Also delete the table's files.") var purge = false
        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            let p = purge
            try await reportingErrorsAsync { try await catalog.dropTable(id, purge: p) }
        }
    }

    struct Rename: AsyncParsableCommand {
        @OptionGroup var options: CatalogOptions
        @Argument var from: String
        @Argument var to: String
        func run() async throws {
            let catalog = try await options.open()
            let a = try TableIdentifier(parsing: from), b = try TableIdentifier(parsing: to)
            try await reportingErrorsAsync { try await catalog.renameTable(a, to: b) }
        }
    }
}

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "append", abstract: "Append JSON-lines rows to a table as one snapshot.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "JSON-lines file (default: standard input).") var file: String?
    @Option(parsing: .upToNextOption, help: "Add existing Parquet files instead of rows (not rewritten).") var parquet: [String] = []

    func run() async throws {
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: table)
        let path = file
        let existing = parquet.map { options.absolute($0) }
        guard existing.isEmpty || path == nil else { throw ValidationError("use either --file or --parquet") }
        if !existing.isEmpty {
            try await reportingErrorsAsync {
                let loaded = try await catalog.loadTable(id)
                let files = try await AddFiles(metadata: loaded.metadata, io: loaded.io).dataFiles(existing)
                var txn = loaded.newTransaction()
                txn.appendFiles(files)
                if loaded.metadata.property(TableProperties.nameMappingDefault.key) == nil {
                    txn.updateProperties(set: [(TableProperties.nameMappingDefault.key, AddFiles.nameMapping(loaded.metadata.currentSchema).serialized())])
                }
                let committed = try await txn.commit()
                print(JSONValue.object([("table", .string(id.description)), ("snapshot-id", committed.metadata.currentSnapshotId.map { .int($0) } ?? .null),
                                        ("added-files", .int(Int64(files.count))), ("added-records", .int(files.reduce(0) { $0 + $1.recordCount }))]).serialized())
            }
            return
        }
        try await reportingErrorsAsync {
            let loaded = try await catalog.loadTable(id)
            var writer = try TableWriter(metadata: loaded.metadata, io: loaded.io)
            var fd: Int32 = 0
            if let path {
                fd = open(path, O_RDONLY)
                guard fd >= 0 else { throw ValidationError("cannot open '\(path)': \(String(cString: strerror(errno)))") }
            }
            defer { if fd != 0 { close(fd) } }
            var reader = LineReader(fd: fd)
            var rows: [(Int, JSONValue)] = []
            var row = 0
            // Parse everything first so a bad row fails before any file is written.
            try reader.forEachLine { line in
                row += 1
                var blank = true
                for b in line where b != 0x20 && b != 0x09 { blank = false; break }
                if blank { return }
                var scanner = JSONScanner(line)
                do {
                    let v = try scanner.parseValue(depth: 0)
                    scanner.skipWhitespace()
                    guard scanner.atEnd else { throw scanner.error("unexpected text after the row") }
                    guard case .object = v else { throw IcebergError.invalidValue(row: row, field: "", detail: "a row must be a JSON object") }
                    rows.append((row, v))
                } catch let e as JSONParseError {
                    throw IcebergError.invalidValue(row: row, field: "", detail: e.description)
                }
            }
            do {
                for (n, v) in rows { try await writer.append(v, rowNumber: n) }
                let files = try await writer.finish()
                let start = nowMillis()
                var committed = loaded
                try await committed.appendFiles(files)
                let snap = committed.metadata.currentSnapshot
                print(JSONValue.object([("table", .string(id.description)), ("snapshot-id", snap.map { .int($0.snapshotId) } ?? .null),
                                        ("added-records", .int(Int64(rows.count))), ("data-files", .int(Int64(files.count))),
                                        ("commit-ms", .int(nowMillis() - start))]).serialized())
            } catch {
                await writer.abort()
                throw error
            }
        }
    }
}

func nowMillis() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_REALTIME, &t)
    return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
}

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan", abstract: "Print a table's rows as JSON lines.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "Row filter, e.g. \"ts >= '2024-01-01T00:00:00+00:00' and category in ('a','b') and not (qty < 3)\".") var filter: String?
    @Option(help: "Comma-separated columns to print (top-level names or dotted paths into structs).") var columns: String?
    @Option(help: "Read this snapshot.") var snapshotId: Int64?
    @Option(help: "Read the snapshot current at this ISO-8601 time.") var asOf: String?
    @Option(help: "Read a branch or tag.") var ref: String?
    @Option(help: "Print at most N rows.") var limit: Int?

    func run() async throws {
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: table)
        let (snap, asOfText, refName, cols, lim) = (snapshotId, asOf, ref, columns, limit)
        let parsedFilter = try filter.map { try FilterParser.parse($0) }
        guard [snap != nil, asOfText != nil, refName != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("use at most one of --snapshot-id, --as-of and --ref")
        }
        try await reportingErrorsAsync {
            let t = try await catalog.loadTable(id)
            var chosen = snap
            if let text = asOfText {
                let micros = try TemporalValues.parseTimestamp(text, unitsPerSecond: 1_000_000, withZone: true)
                guard let s = t.metadata.snapshot(asOf: micros / 1000) else { throw ValidationError("no snapshot at or before \(text)") }
                chosen = s.snapshotId
            }
            if let r = refName {
                guard let ref = t.metadata.ref(r) else { throw ValidationError("no branch or tag '\(r)'") }
                chosen = ref.snapshotId
            }
            var scan = try TableScan(metadata: t.metadata, io: t.io, snapshotId: chosen)
            if let f = parsedFilter { scan = try scan.filtered(f) }
            if let c = cols { scan = try scan.selecting(c.split(separator: ",").map { String($0).trimmingCharacters() }) }
            var out = StandardOutput()
            var remaining = lim ?? Int.max
            scanning: for try await batch in scan.batches() {
                for row in try batch.jsonRows() {
                    if remaining <= 0 { break scanning }
                    out.line(row.serialized())
                    remaining -= 1
                }
            }
            out.flush()
        }
    }
}

struct SnapshotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snapshots", abstract: "List a table's snapshots with their summaries.")
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    func run() async throws {
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: table)
        try await reportingErrorsAsync {
            let t = try await catalog.loadTable(id)
            for s in t.metadata.snapshots {
                print(JSONValue.object([
                    ("snapshot-id", .int(s.snapshotId)), ("parent-snapshot-id", s.parentSnapshotId.map { .int($0) } ?? .null),
                    ("sequence-number", .int(s.sequenceNumber)), ("timestamp-ms", .int(s.timestampMs)),
                    ("timestamp", .string(TemporalValues.formatTimestamp(s.timestampMs * 1000, unitsPerSecond: 1_000_000, utc: true))),
                    ("operation", .string(s.operation)), ("schema-id", s.schemaId.map { .int(Int64($0)) } ?? .null),
                    ("summary", .object(s.summary.map { ($0.0, .string($0.1)) })),
                    ("current", .bool(s.snapshotId == t.metadata.currentSnapshotId)),
                ]).serialized())
            }
        }
    }
}

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
    @Flag(help: "Print what would expire; change nothing.") var dryRun = false

    func run() async throws {
        // Arguments are checked before the catalog is opened (which may reach a remote service).
        let id = try TableIdentifier(parsing: table)
        if let n = retainLast, n < 1 { throw ValidationError("--retain-last must be at least 1") }
        let olderThanMs = try olderThan.map { try TemporalValues.parseTimestamp($0, unitsPerSecond: 1_000_000, withZone: true) / 1000 }
        let catalog = try await options.open()
        let expiration = ExpireSnapshots(olderThanMs: olderThanMs, retainLast: retainLast, snapshotIds: Set(snapshotIds), deleteFiles: !keepFiles)
        let dry = dryRun
        try await reportingErrorsAsync {
            var table = try await catalog.loadTable(id)
            if dry {
                let plan = try expiration.plan(table.metadata)
                print(JSONValue.object([("dry-run", .bool(true)), ("expired-snapshot-ids", .array(plan.snapshotIds.map { .int($0) })),
                                        ("removed-refs", .array(plan.refs.map { .string($0) }))]).serialized())
                return
            }
            let r = try await table.expireSnapshots(expiration)
            print(JSONValue.object([
                ("expired-snapshot-ids", .array(r.expiredSnapshotIds.map { .int($0) })), ("removed-refs", .array(r.removedRefs.map { .string($0) })),
                ("deleted-data-files", .int(Int64(r.deletedDataFiles))), ("deleted-delete-files", .int(Int64(r.deletedDeleteFiles))),
                ("deleted-manifests", .int(Int64(r.deletedManifests))), ("deleted-manifest-lists", .int(Int64(r.deletedManifestLists))),
                ("failed-deletes", .array(r.failedDeletes.map { .string($0) })),
            ]).serialized())
        }
    }
}

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the rows that match a filter (copy-on-write).",
        discussion: """
        Files the filter cannot match are untouched; files whose every row matches are removed; \
        the other rows of partly matching files are written again. Rows where the filter is unknown \
        (null compared) are kept. Prints one JSON object; no snapshot is made when nothing matches.
        """)
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    @Option(help: "Rows to delete, in the scan's filter syntax, e.g. \"category = 'a' and qty < 3\".") var filter: String

    func run() async throws {
        let id = try TableIdentifier(parsing: table)
        let parsed = try FilterParser.parse(filter)
        let catalog = try await options.open()
        try await reportingErrorsAsync {
            var table = try await catalog.loadTable(id)
            let r = try await table.delete(where: parsed)
            print(JSONValue.object([
                ("snapshot-id", r.snapshotId.map { .int($0) } ?? .null), ("deleted-rows", .int(r.deletedRows)),
                ("removed-data-files", .int(Int64(r.removedFiles))), ("added-data-files", .int(Int64(r.addedFiles))),
            ]).serialized())
        }
    }
}

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Print a table's metadata (by name or metadata file).")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE or a path to a metadata.json file.") var table: String
    func run() async throws {
        let target = table
        if target.hasSuffix(".json") {
            let m = try TableMetadata(jsonText: try readTextFile(target))
            print(m.json.serialized(pretty: true))
            return
        }
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: target)
        try await reportingErrorsAsync {
            let t = try await catalog.loadTable(id)
            guard case .object(var pairs) = t.metadata.json else { return }
            pairs.insert(("metadata-location", .string(t.metadataLocation)), at: 0)
            print(JSONValue.object(pairs).serialized(pretty: true))
        }
    }
}

struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "files", abstract: "List a table's data files with partitions, counts, sizes and bounds.")
    @OptionGroup var options: CatalogOptions
    @Argument var table: String
    @Option(help: "Snapshot to list (default: current).") var snapshotId: Int64?
    func run() async throws {
        let catalog = try await options.open()
        let id = try TableIdentifier(parsing: table)
        let snap = snapshotId
        try await reportingErrorsAsync {
            let t = try await catalog.loadTable(id)
            let scan = try TableScan(metadata: t.metadata, io: t.io, snapshotId: snap)
            let schema = t.metadata.currentSchema
            for task in try await scan.planFiles() {
                let f = task.file
                let spec = t.metadata.spec(id: task.specId) ?? t.metadata.defaultSpec
                let ptype = try spec.partitionType(schema)
                let partition: [(String, JSONValue)] = zip(ptype.fields, f.partition).map { field, v in (field.name, v.map { $0.json(as: field.type) } ?? .null) }
                func bounds(_ m: [Int: [UInt8]]) -> JSONValue {
                    .object(m.keys.sorted().compactMap { k in
                        guard let type = schema.type(ofFieldId: k), let lit = Literal.deserialize(m[k]!, as: type) else { return nil }
                        return (schema.columnName(id: k) ?? String(k), lit.json(as: type))
                    })
                }
                func counts(_ m: [Int: Int64]) -> JSONValue { .object(m.keys.sorted().map { (schema.columnName(id: $0) ?? String($0), .int(m[$0]!)) }) }
                print(JSONValue.object([
                    ("file-path", .string(f.filePath)), ("file-format", .string(f.fileFormat)), ("spec-id", .int(Int64(task.specId))),
                    ("partition", .object(partition)), ("record-count", .int(f.recordCount)), ("file-size-in-bytes", .int(f.fileSizeInBytes)),
                    ("value-counts", counts(f.valueCounts)), ("null-value-counts", counts(f.nullValueCounts)),
                    ("nan-value-counts", counts(f.nanValueCounts)), ("lower-bounds", bounds(f.lowerBounds)), ("upper-bounds", bounds(f.upperBounds)),
                ]).serialized())
            }
        }
    }
}
