import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Orphan files — a crashed writer's data file, a stray manifest, and the files of
    /// snapshots expired with `--keep-files` — are the ones Iceberg Java's
    /// `remove_orphan_files` finds (a dry run in Spark, same default age); after ours deletes
    /// them, Java finds none and reads every snapshot left as we do.
    func testOrphanFilesAreTheOnesJavaFinds() async throws {
        let shared = try sharedCatalog()
        try InspectTests.makeEvolvedTable(db: shared.db, warehouse: shared.warehouse, name: shared.name)
        var table = try await shared.catalog.loadTable("db.t")
        let location = table.metadata.location
        // A crashed writer's file (a copy of a live data file, never committed) and a stray manifest.
        let live = try await table.inspect(.dataFiles).rows().compactMap { $0["file_path"]?.stringValue }
        let crashed = "\(location)/data/ts_month=2025-01/00000-9-crashed.parquet"
        try FileManager.default.copyItem(atPath: live[0], toPath: crashed)
        let stray = "\(location)/metadata/stray-m0.avro"
        try Data("not a manifest".utf8).write(to: URL(fileURLWithPath: stray))
        let soon = TemporalValues.formatTimestamp(
            (WallClock.nowMs() + 60_000) * 1000, unitsPerSecond: 1_000_000, utc: true)
        let expired = try cli(
            shared, ["expire-snapshots", "db.t", "--older-than", soon, "--retain-last", "2", "--keep-files"])
        XCTAssertGreaterThanOrEqual(expired.first?["expired-snapshot-ids"]?.arrayValue?.count ?? 0, 3)
        // Every file five days old, older than both sides' default three days.
        let old = Date().addingTimeInterval(-5 * 24 * 3600)
        let walker = FileManager.default.enumerator(atPath: location)!
        while let relative = walker.nextObject() as? String {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: "\(location)/\(relative)")
        }
        func javaOrphans() throws -> [String] {
            try spark.sql("CALL \(shared.name).system.remove_orphan_files(table => 'db.t', dry_run => true)")
                .compactMap { $0["orphan_file_location"]?.stringValue }
                .map { $0.hasPrefix("file:") ? String($0.dropFirst("file:".count)) : $0 }.sorted()
        }
        table = try await shared.catalog.loadTable("db.t")
        let java = try javaOrphans()
        let dry = try await table.deleteOrphanFiles(DeleteOrphanFiles(dryRun: true))
        XCTAssertTrue(java.contains(crashed) && java.contains(stray), "\(java)")
        XCTAssertGreaterThan(java.count, 4, "expired snapshots' files: \(java)")
        XCTAssertEqual(dry.orphanFiles, java)
        XCTAssertEqual(dry.deletedFiles, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: crashed))

        let removed = try cli(shared, ["remove-orphan-files", "db.t"]).first
        XCTAssertEqual(removed?["deleted-files"]?.intValue, Int64(java.count))
        XCTAssertEqual(removed?["failed-deletes"]?.arrayValue?.count, 0)
        for file in java { XCTAssertFalse(FileManager.default.fileExists(atPath: file), file) }
        XCTAssertEqual(try javaOrphans(), [])
        try await assertJavaReadsEverySnapshot(try await shared.catalog.loadTable("db.t"), shared, "db.t")
    }
}
