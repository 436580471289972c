import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// Compaction (`rewriteDataFiles`): rows kept value for value with every delete applied,
/// Java's planner rules, the commit's validation against what lands meanwhile, partial
/// progress, and plans and outputs that travel between processes as JSON.
final class RewriteDataFilesTests: XCTestCase {
    typealias U = UpsertTests

    /// A table partitioned by category with `appends` commits of 60 rows each (20 per partition).
    static func makeTable(
        _ catalog: InMemoryCatalog, _ name: String, appends: Int = 8, formatVersion: Int = 2,
        spec: String? = "category"
    ) async throws -> Table {
        let id = TableIdentifier(namespace: Namespace(["t"]), name: name)
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: U.schema,
                spec: try spec.map { try SpecParsing.partitionSpec($0, schema: U.schema) } ?? .unpartitioned,
                properties: [("commit.retry.min-wait-ms", "1"), ("format-version", String(formatVersion))]))
        let table = try await catalog.loadTable(id)
        for a in 0..<appends {
            var txn = table.newTransaction()
            txn.append(jsonRows: (0..<60).map { i in (i + 1, U.row(a * 60 + i, ["a", "b", "c"][i % 3], i)) })
            try await txn.commit()
        }
        return table
    }

    var options: RewriteDataFilesOptions {
        var o = RewriteDataFilesOptions()
        o.targetFileSizeBytes = 1 << 20
        return o
    }

    /// Deletes of every kind (equality, position, merge-on-read), then a compaction: the same
    /// rows, one file per partition, no delete file left, a `replace` snapshot whose new files
    /// carry the starting snapshot's data sequence number.
    func testCompactionKeepsEveryRowAndLeavesNoDeletes() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite").catalog
        let table = try await Self.makeTable(catalog, "kinds", spec: "bucket(3,id)")
        try await table.upsert(
            (100..<140).enumerated().map { ($0.offset + 1, U.row($0.element, "b", -1)) },
            options: .init(strategy: .equalityDeletes))
        try await table.upsert(
            (200..<230).enumerated().map { ($0.offset + 1, U.row($0.element, "c", -2)) },
            options: .init(strategy: .positionDeletes))
        try await table.delete(where: try FilterParser.parse("qty < 5"), mode: .mergeOnRead)
        let before = try await U.state(table)
        let start = try XCTUnwrap(table.currentSnapshot)
        let filesBefore = try await table.scan().planFiles()
        XCTAssertTrue(filesBefore.contains { !$0.deletes.isEmpty })

        let result = try await table.rewriteDataFiles(options)
        U.assertSameRows(try await U.state(table), before, "after the rewrite")
        XCTAssertEqual(result.rewrittenDataFiles, filesBefore.count)
        XCTAssertEqual(result.addedDataFiles, 3)
        XCTAssertGreaterThan(result.removedDeleteFiles, 0)
        let snapshot = try XCTUnwrap(table.currentSnapshot)
        XCTAssertEqual(result.snapshotIds, [snapshot.snapshotId])
        XCTAssertEqual(snapshot.operation, "replace")
        XCTAssertEqual(snapshot.parentSnapshotId, start.snapshotId)
        XCTAssertEqual(snapshot.summary("deleted-data-files"), String(filesBefore.count))
        XCTAssertEqual(snapshot.summary("added-data-files"), "3")
        let after = try await table.scan().planFiles()
        XCTAssertEqual(after.count, 3)
        XCTAssertEqual(Set(after.map(\.file.partition)).count, 3)
        XCTAssertTrue(after.allSatisfy { $0.deletes.isEmpty && $0.sequenceNumber == start.sequenceNumber })
        let deleteFiles = try await table.inspect(.deleteFiles).rows()
        XCTAssertEqual(deleteFiles.count, 0, "\(deleteFiles)")
        // Nothing left to do: a second run plans no group.
        let again = try await table.planRewrite(options)
        XCTAssertEqual(again.groups.count, 0)
        let nothing = try await table.rewriteDataFiles(options)
        XCTAssertEqual(nothing, RewriteDataFilesResult())
    }

    /// Java's size rules: the number of output files, the split size, which files and groups
    /// are taken (small files need company, a big or much-deleted file goes alone).
    func testThePlannerFollowsJavasRules() async throws {
        var o = RewriteDataFilesOptions()
        o.targetFileSizeBytes = 100
        let catalog = try await makeLocalCatalog(self, prefix: "planner").catalog
        let table = try await Self.makeTable(catalog, "rules", appends: 3)
        let planner = try RewritePlanner(o, metadata: table.metadata)
        XCTAssertEqual(planner.writeMaxFileSize, 140)
        XCTAssertEqual(planner.expectedOutputFiles(50), 1)
        XCTAssertEqual(planner.expectedOutputFiles(205), 2)  // a 5-byte remainder is spread
        XCTAssertEqual(planner.expectedOutputFiles(250), 3)  // spreading 50 would make 125-byte files
        XCTAssertEqual(planner.expectedOutputFiles(280), 3)  // an 80-byte remainder is a file of its own
        XCTAssertEqual(planner.splitSize(205), 140)
        XCTAssertEqual(planner.splitSize(50), 140)  // Java adds 5 KB of split overhead
        o.targetFileSizeBytes = 40
        o.minFileSizeBytes = 60
        XCTAssertThrowsError(try RewritePlanner(o, metadata: table.metadata))

        // Three small files per partition: below min-input-files (5), left alone.
        var plan = try await table.planRewrite(options)
        XCTAssertEqual(plan.groups.count, 0)
        var all = options
        all.rewriteAll = true
        plan = try await table.planRewrite(all)
        XCTAssertEqual(plan.groups.map(\.files.count), [3, 3, 3])
        XCTAssertEqual(plan.groups.map(\.partition), ["category=a", "category=b", "category=c"])
        var three = options
        three.minInputFiles = 3
        let withThree = try await table.planRewrite(three).groups.count
        XCTAssertEqual(withThree, 3)
        // A file with over 30% of its rows deleted makes its small group worth rewriting.
        try await table.delete(
            where: try FilterParser.parse("category = 'a' and id < 19"), mode: .mergeOnRead)
        plan = try await table.planRewrite(options)
        XCTAssertEqual(plan.groups.map(\.files.count), [3], "the group with the file is worth rewriting")
        XCTAssertEqual(plan.groups.first?.partition, "category=a")
        // A group limited to two files a group.
        var small = all
        small.maxFileGroupInputFiles = 2
        let byTwo = try await table.planRewrite(small).groups.map(\.files.count)
        XCTAssertEqual(byTwo, [2, 1, 2, 1, 2, 1])
        small.maxFilesToRewrite = 4
        let limited = try await table.planRewrite(small).groups.map(\.files.count)
        XCTAssertEqual(limited, [2, 1, 1])
        // A filter takes only the files that may hold matching rows.
        var filtered = all
        filtered.filter = try FilterParser.parse("category = 'b'")
        let onlyB = try await table.planRewrite(filtered).groups.map(\.partition)
        XCTAssertEqual(onlyB, ["category=b"])
    }

    /// Equality deletes committed while the rewrite ran still apply to its files (they keep
    /// the starting snapshot's data sequence number), so the upsert's old rows stay deleted.
    func testEqualityDeletesCommittedMeanwhileStillApply() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-eq").catalog
        let table = try await Self.makeTable(catalog, "eq", spec: "bucket(3,id)")
        let plan = try await table.planRewrite(options)
        var outputs: [RewriteGroupOutput] = []
        for g in plan.groups { outputs.append(try await table.rewriteGroup(g, of: plan)) }
        try await table.upsert(
            (0..<60).enumerated().map { ($0.offset + 1, U.row($0.element * 7, "b", 1000 + $0.element)) },
            options: .init(strategy: .equalityDeletes))
        let expected = try await U.state(table)
        XCTAssertEqual(expected.count, 480)
        let result = try await table.commitRewrite(plan, outputs: outputs)
        XCTAssertEqual(result.committedGroups, [1, 2, 3])
        U.assertSameRows(try await U.state(table), expected, "after the rewrite landed on the upsert")
        for out in outputs {
            let exists = try await table.io.exists(out.manifestPath)
            XCTAssertFalse(exists, "the transport manifest is removed")
        }
    }

    /// A delete that lands while the rewrite runs: position deletes or deletion vectors for a
    /// rewritten file, or the file removed (copy-on-write), fail the rewrite cleanly: the
    /// delete stands, no row comes back, and the rewrite's files are gone.
    func testADeleteRacingTheRewriteFailsItCleanly() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-race").catalog
        for (version, mode) in [(2, DeleteMode.mergeOnRead), (3, .mergeOnRead), (2, .copyOnWrite)] {
            let table = try await Self.makeTable(
                catalog, "race\(version)\(mode.rawValue.prefix(4))", formatVersion: version)
            let plan = try await table.planRewrite(options)
            var outputs: [RewriteGroupOutput] = []
            for g in plan.groups { outputs.append(try await table.rewriteGroup(g, of: plan)) }
            try await table.delete(where: try FilterParser.parse("id = 61"), mode: mode)
            let expected = try await U.state(table)
            XCTAssertNil(expected[61])
            let head = table.currentSnapshot?.snapshotId
            do {
                _ = try await table.commitRewrite(plan, outputs: outputs)
                XCTFail("the rewrite landed over a delete of one of its files (v\(version), \(mode))")
            } catch CatalogError.validationFailed(let message) {
                XCTAssertTrue(message.contains("plan it again"), message)
            }
            XCTAssertEqual(table.currentSnapshot?.snapshotId, head)
            U.assertSameRows(try await U.state(table), expected, "v\(version) \(mode)")
            for path in outputs.flatMap({ $0.addedFiles + [$0.manifestPath] }) {
                let exists = try await table.io.exists(path)
                XCTAssertFalse(exists, "\(path) of the failed rewrite is still there")
            }
        }
    }

    /// A flat change event: the row's fields and `_cdc_op`.
    static func withOperation(_ row: JSONValue, _ op: String) -> JSONValue {
        guard case .object(let pairs) = row else { return row }
        return .object(pairs + [("_cdc_op", .string(op))])
    }

    /// A CDC stream keeps committing (equality deletes, one commit per batch) through its own
    /// table handle while compaction runs three times through another: every change lands,
    /// none is undone by a compaction (lost races are retried on the new head), and the table
    /// ends as the events say.
    func testACDCStreamCommittingWhileCompactionRunsLosesNoChange() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-cdc").catalog
        let table = try await Self.makeTable(catalog, "cdc", spec: "bucket(3,id)")
        var model = try await U.state(table)
        var batches: [[(lineNumber: Int, event: JSONValue)]] = []
        var nextId = 10_000
        for b in 0..<15 {
            var events: [(lineNumber: Int, event: JSONValue)] = []
            for k in 0..<12 {
                let event: JSONValue
                switch k % 3 {
                case 0:
                    let id = (b * 31 + k * 7) % 480
                    model[Int64(id)] = nil
                    event = .object([("id", .int(Int64(id))), ("_cdc_op", .string("D"))])
                case 1:
                    let row = U.row((b * 17 + k * 5) % 480, "upd", b)
                    model[Int64(row["id"]!.intValue!)] = row.serialized()
                    event = Self.withOperation(row, "U")
                default:
                    let row = U.row(nextId, "ins", b)
                    nextId += 1
                    model[Int64(row["id"]!.intValue!)] = row.serialized()
                    event = Self.withOperation(row, "I")
                }
                events.append((k + 1, event))
            }
            batches.append(events)
        }
        let stream = try await catalog.loadTable(table.identifier)
        let compactor = try await catalog.loadTable(table.identifier)
        var o = options
        o.rewriteAll = true
        let compactions = o
        async let streamed: Void = {
            for events in batches { _ = try await stream.applyChanges(events, format: .flat) }
        }()
        async let compacted: [RewriteDataFilesResult] = {
            var results: [RewriteDataFilesResult] = []
            for _ in 0..<3 { results.append(try await compactor.rewriteDataFiles(compactions)) }
            return results
        }()
        try await streamed
        let results = try await compacted
        XCTAssertTrue(results.contains { !$0.snapshotIds.isEmpty })
        let final = try await catalog.loadTable(table.identifier)
        U.assertSameRows(try await U.state(final), model, "after the stream and the compactions")
        let operations = final.metadata.snapshots.map(\.operation)
        XCTAssertEqual(operations.filter { $0 == "replace" }.count, results.flatMap(\.snapshotIds).count)
    }

    /// With partial progress each partition's group commits apart; a plan and its outputs
    /// go through JSON and are rewritten and committed by other table handles.
    func testPartialProgressAndPlansThatTravelAsJSON() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-json").catalog
        let table = try await Self.makeTable(catalog, "json")
        let before = try await U.state(table)
        var o = options
        o.partialProgress = true
        o.maxCommits = 3
        let plan = try await table.planRewrite(o)
        let json = try JSONEncoder().encode(plan)
        let decoded = try JSONDecoder().decode(RewritePlan.self, from: json)
        XCTAssertTrue(decoded.tasks.isEmpty)
        XCTAssertEqual(decoded.groups, plan.groups)
        var outputs: [RewriteGroupOutput] = []
        for g in decoded.groups {
            let worker = try await catalog.loadTable(table.identifier)
            let out = try await worker.rewriteGroup(g, of: decoded)
            outputs.append(try JSONDecoder().decode(RewriteGroupOutput.self, from: try JSONEncoder().encode(out)))
        }
        let committer = try await catalog.loadTable(table.identifier)
        let result = try await committer.commitRewrite(decoded, outputs: outputs)
        XCTAssertEqual(result.rewrittenDataFiles, 24)
        U.assertSameRows(try await U.state(committer), before, "after a rewrite from JSON")

        // Partial progress: three partitions, three commits.
        let second = try await Self.makeTable(catalog, "partial")
        let partial = try await second.rewriteDataFiles(o)
        XCTAssertEqual(partial.snapshotIds.count, 3)
        XCTAssertEqual(partial.committedGroups, [1, 2, 3])
        XCTAssertEqual(second.metadata.snapshots.suffix(3).map(\.operation), ["replace", "replace", "replace"])
        U.assertSameRows(try await U.state(second), before, "after partial progress")
    }

    /// After partition evolution the old spec's files are rewritten together into the
    /// current spec; the sort strategy orders each group's rows and records the order.
    func testEvolvedPartitioningAndTheSortStrategy() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-spec").catalog
        let table = try await Self.makeTable(catalog, "spec", appends: 6)
        let before = try await U.state(table)
        try await table.updatePartitionSpec([
            .removeField("category"), .addField(source: "id", transform: .bucket(2)),
        ])
        var o = options
        o.strategy = .sort
        o.sortOrder = [SortTerm("qty", direction: .desc)]
        let plan = try await table.planRewrite(o)
        XCTAssertEqual(plan.groups.map(\.partition), [""], "files of an older spec form one group")
        try await table.executeRewrite(plan)
        U.assertSameRows(try await U.state(table), before, "after rewriting into the new spec")
        let files = try await table.scan().planFiles()
        XCTAssertEqual(files.count, 2)
        XCTAssertTrue(files.allSatisfy { $0.specId == table.metadata.defaultSpecId })
        for f in files {
            var batches = ScanBatches.Iterator(scan: try table.scan(), tasks: [f])
            var values: [Int64] = []
            while let b = try await batches.next() { values += try b.jsonRows().compactMap { $0["qty"]?.intValue } }
            XCTAssertEqual(values.count, Int(f.file.recordCount))
            XCTAssertEqual(values, values.sorted(by: >), "rows of \(f.file.filePath) are not sorted by qty desc")
            XCTAssertEqual(f.file.sortOrderId, 0, "an order that is not the table's records no id")
        }
    }

    /// The sort strategy sorts each group across its output files, as Java's range sort does:
    /// every file is sorted and the files hold consecutive ranges; with little memory the rows
    /// go through sorted runs spilled to TMPDIR and merged (a nested column included), and
    /// no run is left behind.
    func testTheSortStrategySortsAcrossFilesInBoundedMemory() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-sort").catalog
        for memory in [64 << 20, 24 << 10] {
            let id = TableIdentifier(namespace: Namespace(["t"]), name: "sorted\(memory)")
            _ = try await catalog.createTable(
                id, TableCreation(schema: U.schema, properties: [("format-version", "2")]))
            let table = try await catalog.loadTable(id)
            for a in 0..<6 {
                var txn = table.newTransaction()
                txn.append(
                    jsonRows: (0..<2_000).map { i in
                        let n = a * 2_000 + i
                        return (i + 1, U.row(n, ["a", "b", "c"][n % 3], (n * 7_919) % 1_000))
                    })
                try await txn.commit()
            }
            let before = try await U.state(table)
            var o = options
            o.strategy = .sort
            o.sortOrder = [SortTerm("qty"), SortTerm("id", direction: .desc)]
            o.targetFileSizeBytes = 64 << 10
            o.rewriteAll = true
            o.sortMemoryBytes = memory
            let spills = "\(PartitionSort.temporaryDirectory)"
            let spillsBefore = try FileManager.default.contentsOfDirectory(atPath: spills).filter {
                $0.hasPrefix("iceberg-sort-")
            }
            let result = try await table.rewriteDataFiles(o)
            XCTAssertEqual(result.rewrittenDataFiles, 6)
            U.assertSameRows(try await U.state(table), before, "after the sort with \(memory) bytes of memory")
            let files = try await table.scan().planFiles()
            XCTAssertGreaterThan(files.count, 2, "the group is written as several files")
            var ranges: [(first: (Int64, Int64), last: (Int64, Int64))] = []
            for f in files {
                var batches = ScanBatches.Iterator(scan: try table.scan(), tasks: [f])
                var keys: [(Int64, Int64)] = []
                while let b = try await batches.next() {
                    keys += try b.jsonRows().map {
                        (try XCTUnwrap($0["qty"]?.intValue), -(try XCTUnwrap($0["id"]?.intValue)))
                    }
                }
                XCTAssertEqual(keys.count, Int(f.file.recordCount))
                XCTAssertTrue(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "\(f.file.filePath) is not sorted")
                ranges.append((keys.first!, keys.last!))
            }
            ranges.sort { $0.first < $1.first }
            for (a, b) in zip(ranges, ranges.dropFirst()) {
                XCTAssertTrue(a.last < b.first, "files overlap: \(a) and \(b)")
            }
            let spillsAfter = try FileManager.default.contentsOfDirectory(atPath: spills).filter {
                $0.hasPrefix("iceberg-sort-")
            }
            XCTAssertEqual(Set(spillsAfter), Set(spillsBefore), "sorted runs left in \(spills)")
        }
    }

    /// A partition's sort spills sorted runs once its memory is full and merges them back in
    /// order, with rows still held in memory as one more run.
    func testPartitionSortSpillsRunsAndMergesThem() async throws {
        let order = SortOrder(orderId: 1, fields: [SortField(sourceId: 3, transform: .identity, direction: .asc)])
        let parquet = try U.schema.parquetSchema()
        let sorter = try XCTUnwrap(try RowSorter(order: order, schema: U.schema, parquetSchema: parquet))
        let directory = try makeTemporaryDirectory(self).path + "/runs"
        let sort = try PartitionSort(
            sorter: sorter, schema: U.schema, parquetSchema: parquet, memoryBytes: 16 << 10,
            spillDirectory: directory)
        let qtys = (0..<5_000).map { ($0 * 7_919) % 1_003 }
        for (i, q) in qtys.enumerated() {
            try sort.shredder.append(U.row(i, "c", q), rowNumber: i + 1)
            if sort.shredder.rowCount == 700 { try sort.flushRows() }
        }
        XCTAssertGreaterThan(sort.runs.count, 3, "runs spilled")
        var seen: [Int64] = []
        var ids = Set<Int64>()
        try await sort.drain(pieceBytes: 4 << 10, maxPieceRows: 8_192) { columns, rows in
            guard case .int32(let q) = columns[2].values, case .int64(let id) = columns[0].values else {
                return XCTFail("unexpected columns")
            }
            XCTAssertEqual(q.count, rows)
            seen += q.map(Int64.init)
            ids.formUnion(id)
        }
        XCTAssertEqual(seen, qtys.map(Int64.init).sorted())
        XCTAssertEqual(ids.count, qtys.count)
        XCTAssertEqual(sort.runs, [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory), "runs removed")
    }

    /// Format v3: rewritten rows keep their row ids and last-updated sequence numbers.
    func testRowLineageIsCarriedOver() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rewrite-v3").catalog
        let table = try await Self.makeTable(catalog, "lineage", formatVersion: 3)
        try await table.delete(where: try FilterParser.parse("id = 5"))
        func lineage() async throws -> [Int64: [Int64?]] {
            var out: [Int64: [Int64?]] = [:]
            for row in try await table.scan(columns: ["id", "_row_id", "_last_updated_sequence_number"]).rows() {
                out[row["id"]!.intValue!] = [row["_row_id"]?.intValue, row["_last_updated_sequence_number"]?.intValue]
            }
            return out
        }
        let before = try await lineage()
        XCTAssertEqual(before.count, 479)
        XCTAssertTrue(before.values.allSatisfy { $0.allSatisfy { $0 != nil } }, "\(before.first!)")
        try await table.rewriteDataFiles(options)
        XCTAssertEqual(table.currentSnapshot?.operation, "replace")
        let after = try await lineage()
        XCTAssertEqual(after, before)
    }
}

/// `Table.maintain`: the policy's steps in order, dry runs, disabled steps and bad settings.
final class TableMaintenanceTests: XCTestCase {
    typealias U = UpsertTests

    /// Small files, deletes, old snapshots and a stray file: one run leaves one file per
    /// partition and no delete, expires every snapshot but the head (all older than 120 hours
    /// at the run's clock), keeps one manifest and deletes the stray file; a dry run before
    /// changed nothing, and a second run only expires the first run's compaction snapshot.
    func testOneRunCompactsExpiresRewritesAndRemovesOrphans() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "maintain").catalog
        let table = try await RewriteDataFilesTests.makeTable(catalog, "m", spec: "bucket(3,id)")
        try await table.upsert(
            (0..<30).enumerated().map { ($0.offset + 1, U.row($0.element * 3, "u", 7)) },
            options: .init(strategy: .equalityDeletes))
        try await table.delete(where: try FilterParser.parse("qty < 3"), mode: .mergeOnRead)
        let stray = "\(table.metadata.location)/data/stray.parquet"
        try Data("x".utf8).write(to: URL(fileURLWithPath: stray))
        let rows = try await U.state(table)
        let later = WallClock.nowMs() + 14 * 86_400_000

        let location = table.metadataLocation
        let dry = try await table.maintain(TableMaintenance(dryRun: true, now: later))
        XCTAssertEqual(table.metadataLocation, location, "a dry run commits nothing")
        let filesBefore = try await table.scan().planFiles()
        XCTAssertEqual(dry.compactionPlannedFiles, filesBefore.count)
        XCTAssertNil(dry.compaction)
        XCTAssertEqual(dry.expiredSnapshots.count, table.metadata.snapshots.count - 1)
        XCTAssertTrue(dry.orphanFiles.contains(stray))
        XCTAssertEqual(dry.deletedOrphanFiles, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: stray))

        let result = try await table.maintain(TableMaintenance(now: later))
        U.assertSameRows(try await U.state(table), rows, "after maintenance")
        XCTAssertEqual(result.skipped, [])
        XCTAssertEqual(result.compaction?.addedDataFiles, 3)
        XCTAssertGreaterThan(result.compaction?.removedDeleteFiles ?? 0, 0)
        let files = try await table.scan().planFiles()
        XCTAssertEqual(files.count, 3)
        XCTAssertTrue(files.allSatisfy(\.deletes.isEmpty))
        // Expiry keeps the compaction's snapshot (the head then); the manifest rewrite adds one.
        XCTAssertEqual(table.metadata.snapshots.map(\.operation), ["replace", "replace"])
        XCTAssertGreaterThan(result.expiredSnapshots.count, 5)
        XCTAssertTrue(result.orphanFiles.contains(stray))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray))
        let manifests = try await table.inspect(.manifests).rows()
        XCTAssertEqual(manifests.count, 1)

        let again = try await table.maintain(TableMaintenance(now: later))
        XCTAssertEqual(again.compactionPlannedGroups, 0)
        XCTAssertEqual(again.expiredSnapshots, [try XCTUnwrap(result.compaction?.snapshotIds.last)])
        XCTAssertEqual(table.metadata.snapshots.count, 1)
        XCTAssertEqual(again.rewrittenManifests, 0)
        XCTAssertEqual(again.orphanFiles, [])
        U.assertSameRows(try await U.state(table), rows, "after a second run")
    }

    /// A step set to false is skipped; a target size outside S3 Tables' 64–512 MB is refused,
    /// naming the property.
    func testThePolicyComesFromTableProperties() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "maintain-policy").catalog
        let table = try await RewriteDataFilesTests.makeTable(catalog, "p", appends: 6)
        var txn = table.newTransaction()
        txn.updateProperties(set: [
            ("maintenance.compaction.enabled", "false"), ("maintenance.unreferenced-file-removal.enabled", "false"),
        ])
        try await txn.commit()
        let head = table.currentSnapshot?.snapshotId
        let result = try await table.maintain()
        XCTAssertEqual(result.skipped, ["compaction", "unreferenced file removal"])
        XCTAssertNil(result.compaction)
        XCTAssertEqual(result.expiredSnapshots, [], "the snapshots are younger than 120 hours")
        XCTAssertGreaterThan(result.rewrittenManifests, 1)
        XCTAssertNotEqual(table.currentSnapshot?.snapshotId, head)
        XCTAssertEqual(table.currentSnapshot?.operation, "replace")

        var bad = table.newTransaction()
        bad.updateProperties(set: [
            ("maintenance.compaction.enabled", "true"), ("maintenance.compaction.target-file-size-mb", "1024"),
        ])
        try await bad.commit()
        do {
            _ = try await table.maintain()
            XCTFail("a 1024 MB target was taken")
        } catch {
            XCTAssertTrue("\(error)".contains("maintenance.compaction.target-file-size-mb"), "\(error)")
            XCTAssertTrue("\(error)".contains("compaction"), "\(error)")
        }
    }
}

/// Delete-file maintenance: merging small position-delete files, removing dangling deletes.
final class DeleteFileMaintenanceTests: XCTestCase {
    typealias U = UpsertTests

    /// Six position-delete files for each of two data files (as Spark's merge-on-read deletes
    /// leave them in v2) become one per data file with the newest sequence number; rows read
    /// as before, and a second run finds too few files to rewrite.
    func testSmallPositionDeleteFilesMergePerDataFile() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "posdel").catalog
        let table = try await RewriteDataFilesTests.makeTable(catalog, "pd", appends: 2, spec: nil)
        let files = try await table.scan().planFiles().map(\.file)
        XCTAssertEqual(files.count, 2)
        let writer = try PositionDeleteWriter(metadata: table.metadata, io: table.io)
        for round in 0..<6 {
            var delta = RowDelta()
            for f in files {
                delta.addedDeleteFiles.append((try await writer.write([Int64(round * 3)], of: f), 0))
            }
            var txn = table.newTransaction()
            txn.add(delta)
            try await txn.commit()
        }
        let before = try await U.state(table)
        XCTAssertEqual(before.count, 120 - 12)
        let lastSequence = try XCTUnwrap(table.currentSnapshot?.sequenceNumber)
        let result = try await table.rewritePositionDeleteFiles()
        XCTAssertEqual(result.rewrittenDeleteFiles, 12)
        XCTAssertEqual(result.addedDeleteFiles, 2)
        XCTAssertEqual(table.currentSnapshot?.operation, "replace")
        U.assertSameRows(try await U.state(table), before, "after the delete rewrite")
        let entries = try await table.inspect(.entries).rows().filter {
            $0["data_file"]?["content"]?.intValue == 1 && $0["status"]?.intValue != 2
        }
        XCTAssertEqual(entries.count, 2)
        XCTAssertTrue(entries.allSatisfy { $0["sequence_number"]?.intValue == lastSequence }, "\(entries)")
        XCTAssertTrue(entries.allSatisfy { $0["data_file"]?["record_count"]?.intValue == 6 })
        let again = try await table.rewritePositionDeleteFiles()
        XCTAssertNil(again.snapshotId)
    }

    /// Equality deletes of a partition whose data was all compacted after them can no longer
    /// delete anything: they go, while the other partitions' deletes, still needed, stay.
    func testDanglingDeletesGoAndNeededOnesStay() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "dangling").catalog
        let table = try await RewriteDataFilesTests.makeTable(catalog, "dg", spec: "bucket(3,id)")
        try await table.upsert(
            (0..<60).enumerated().map { ($0.offset + 1, U.row($0.element * 4, "u", 9)) },
            options: .init(strategy: .equalityDeletes))
        let rows = try await U.state(table)
        let eqBefore = try await table.inspect(.deleteFiles).rowCount
        XCTAssertEqual(eqBefore, 3, "one equality-delete file per bucket")
        let none = try await table.removeDanglingDeletes()
        XCTAssertEqual(none, [], "every delete still applies")
        // Compact one bucket (commit only its group): its deletes now precede every data file there.
        var o = RewriteDataFilesOptions()
        o.rewriteAll = true
        let plan = try await table.planRewrite(o)
        XCTAssertEqual(plan.groups.count, 3)
        let out = try await table.rewriteGroup(plan.groups[0], of: plan)
        try await table.commitRewrite(plan, outputs: [out])
        let removed = try await table.removeDanglingDeletes()
        XCTAssertEqual(removed.count, 1)
        XCTAssertEqual(removed.first?.partition, plan.tasks[plan.groups[0].files[0].path]?.file.partition)
        XCTAssertEqual(removed.first?.content, .equalityDeletes)
        let left = try await table.inspect(.deleteFiles).rowCount
        XCTAssertEqual(left, 2)
        U.assertSameRows(try await U.state(table), rows, "after removing dangling deletes")
    }
}
