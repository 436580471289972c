import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// Orphan removal against a writer still writing, a table whose manifests cannot be read,
/// and ages within the last day.
final class OrphanFilesTests: XCTestCase {
    private func table() async throws -> (Table, any Catalog, TableIdentifier) {
        let (catalog, _) = try await makeLocalCatalog(self, prefix: "orphans")
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "rows")
        _ = try await catalog.createTable(id, TableCreation(schema: ColumnarAppendTests.schema))
        let table = try await catalog.loadTable(id)
        var writer = try TableWriter(metadata: table.metadata, io: table.io)
        for (i, r) in ColumnarAppendTests.rows(50).enumerated() { try await writer.append(r, rowNumber: i + 1) }
        try await table.appendFiles(try await writer.finish())
        return (try await catalog.loadTable(id), catalog, id)
    }

    /// Files a writer has written but not committed yet are younger than the default age:
    /// they are counted, never taken, and the commit that follows lands and reads.
    func testAWriterStillWritingKeepsItsFiles() async throws {
        let (table, catalog, id) = try await table()
        var writer = try TableWriter(metadata: table.metadata, io: table.io)
        for (i, r) in ColumnarAppendTests.rows(30).enumerated() { try await writer.append(r, rowNumber: i + 1) }
        let pending = try await writer.finish()
        XCTAssertFalse(pending.isEmpty)
        let result = try await table.deleteOrphanFiles()
        XCTAssertEqual(result.orphanFiles, [String]())
        XCTAssertGreaterThanOrEqual(result.tooRecent, pending.count)
        for f in pending {
            let exists = try await table.io.exists(f.filePath)
            XCTAssertTrue(exists, f.filePath)
        }
        try await table.appendFiles(pending)
        let rows = try await catalog.loadTable(id).scan().rows()
        XCTAssertEqual(rows.count, 80)
    }

    /// An unreadable manifest would hide the files it lists: the run fails and deletes nothing.
    func testAnUnreadableManifestStopsTheRun() async throws {
        let (table, _, _) = try await table()
        let manifests = try await table.inspect(.manifests).rows().compactMap { $0["path"]?.stringValue }
        XCTAssertEqual(manifests.count, 1)
        let old = Date().addingTimeInterval(-5 * 24 * 3600)
        let location = table.metadata.location
        let walker = FileManager.default.enumerator(atPath: location)!
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: "\(location)/\(relative)", isDirectory: &isFolder)
            guard !isFolder.boolValue else { continue }
            files.append("\(location)/\(relative)")
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: "\(location)/\(relative)")
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: manifests[0]))
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: manifests[0])
        do {
            _ = try await table.deleteOrphanFiles()
            XCTFail("ran with an unreadable manifest")
        } catch {
            XCTAssertTrue("\(error)".contains(manifests[0]), "\(error)")
        }
        for f in files { XCTAssertTrue(FileManager.default.fileExists(atPath: f), f) }
    }

    /// Ages within the last day are refused unless asked for; a dry run deletes nothing.
    func testRecentAgesNeedConsentAndDryRunsDeleteNothing() async throws {
        let (table, _, _) = try await table()
        let stray = "\(table.metadata.location)/data/stray.parquet"
        try Data("x".utf8).write(to: URL(fileURLWithPath: stray))
        let soon = WallClock.nowMs() + 60_000
        do {
            _ = try await table.deleteOrphanFiles(DeleteOrphanFiles(olderThanMs: soon))
            XCTFail("took files of the last day without consent")
        } catch {
            XCTAssertTrue("\(error)".contains("last day"), "\(error)")
        }
        var removal = DeleteOrphanFiles(olderThanMs: soon, dryRun: true)
        removal.allowRecentFiles = true
        var result = try await table.deleteOrphanFiles(removal)
        XCTAssertEqual(result.orphanFiles, [stray])
        XCTAssertTrue(FileManager.default.fileExists(atPath: stray))
        removal.dryRun = false
        result = try await table.deleteOrphanFiles(removal)
        XCTAssertEqual(result.deletedFiles, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray))
        let rows = try await table.scan().rows()
        XCTAssertEqual(rows.count, 50)
    }

    /// Locations compare by path, with `file:` and plain paths the same file and equal schemes mapped.
    func testLocationsCompareByPath() {
        XCTAssertEqual(FileURI("file:/a/b").path, "/a/b")
        XCTAssertEqual(FileURI("file:///a/b").path, "/a/b")
        XCTAssertTrue(FileURI("file:/a/b").sameStorage(as: FileURI("/a/b")))
        let s3 = FileURI("s3://bucket/t/data/f.parquet")
        XCTAssertEqual(s3.scheme, "s3")
        XCTAssertEqual(s3.authority, "bucket")
        XCTAssertEqual(s3.path, "/t/data/f.parquet")
        XCTAssertFalse(s3.sameStorage(as: FileURI("s3a://bucket/t/data/f.parquet")))
        XCTAssertFalse(s3.sameStorage(as: FileURI("s3://other/t/data/f.parquet")))
    }
}
