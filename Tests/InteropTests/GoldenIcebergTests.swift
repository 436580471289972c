import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg
@testable import IcebergSpec

/// Tables written by PyIceberg (Fixtures/iceberg, from its generate.py): every snapshot we
/// scan must equal PyIceberg's scan of it.
final class GoldenIcebergTests: XCTestCase {
    static let source = PythonPeer.repoRoot.appendingPathComponent("Fixtures/iceberg")
    /// PyIceberg records absolute locations; the fixture warehouse lives at this path.
    static let warehouse = URL(fileURLWithPath: "/tmp/swift-iceberg-fixtures/warehouse")

    override func setUpWithError() throws {
        let fm = FileManager.default
        try? fm.removeItem(at: Self.warehouse.deletingLastPathComponent())
        try fm.createDirectory(at: Self.warehouse.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.copyItem(at: Self.source.appendingPathComponent("warehouse"), to: Self.warehouse)
    }

    /// The value with object keys sorted (expected.json is written with sorted keys).
    func sortedKeys(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let pairs): return .object(pairs.map { ($0.0, sortedKeys($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): return .array(items.map(sortedKeys))
        default: return v
        }
    }

    func latestMetadata(_ table: String) throws -> TableMetadata {
        let dir = Self.warehouse.appendingPathComponent("golden/\(table)/metadata")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.hasSuffix(".metadata.json")
        }.sorted()
        let last = try XCTUnwrap(files.last)
        return try TableMetadata(jsonText: try String(contentsOf: dir.appendingPathComponent(last), encoding: .utf8))
    }

    func testEverySnapshotMatchesPyIceberg() async throws {
        let expected = try JSONValue.parse(
            try String(contentsOf: Self.source.appendingPathComponent("expected.json"), encoding: .utf8))
        guard case .object(let tables) = expected else { return XCTFail("expected.json is not an object") }
        XCTAssertGreaterThanOrEqual(tables.count, 10)
        for (name, table) in tables {
            let metadata = try latestMetadata(name)
            guard case .object(let snapshots)? = table["snapshots"] else { return XCTFail() }
            XCTAssertEqual(snapshots.count, metadata.snapshots.count, name)
            for (id, rows) in snapshots {
                let scan = try TableScan(metadata: metadata, io: LocalFileIO(), snapshotId: Int64(id)!)
                let ours = try await scan.rows().sorted { ($0["id"]?.intValue ?? 0) < ($1["id"]?.intValue ?? 0) }.map(
                    sortedKeys)
                let theirs = rows.arrayValue ?? []
                XCTAssertEqual(ours.count, theirs.count, "\(name) @ \(id)")
                for (i, (a, b)) in zip(ours, theirs).enumerated() where a != b {
                    XCTFail("\(name) @ \(id) row \(i)\n ours:      \(a.serialized())\n pyiceberg: \(b.serialized())")
                    break
                }
            }
        }
    }

    func testMetadataRoundTripsThroughOurJSON() throws {
        for table in ["evolving", "t_month", "t_bucket"] {
            let m = try latestMetadata(table)
            let again = try TableMetadata(json: m.json)
            XCTAssertEqual(again.json, m.json, table)
            XCTAssertEqual(again.snapshots.count, m.snapshots.count)
            // Serializing with a reused history gives the same bytes: cold, warm, after the
            // history grew by a snapshot, and after snapshots were removed.
            var history = SerializedHistory()
            XCTAssertEqual(m.serializedBytes(reusing: &history), m.json.serializedBytes(), table)
            XCTAssertEqual(m.serializedBytes(reusing: &history), m.json.serializedBytes(), table)
            guard m.snapshots.count > 1 else { continue }
            var older = m
            older.snapshots.removeLast()
            older.snapshotLog.removeAll { $0.snapshotId == m.snapshots.last?.snapshotId }
            var growing = SerializedHistory()
            XCTAssertEqual(older.serializedBytes(reusing: &growing), older.json.serializedBytes(), table)
            XCTAssertEqual(
                m.serializedBytes(reusing: &growing), m.json.serializedBytes(), "\(table): grown by one snapshot")
            var expired = m
            var added = AddedInCommit()
            try TableUpdate.removeSnapshots([m.snapshots[0].snapshotId]).apply(to: &expired, now: 0, added: &added)
            XCTAssertEqual(
                expired.serializedBytes(reusing: &growing), expired.json.serializedBytes(),
                "\(table): after an expiration")
        }
        let evolving = try latestMetadata("evolving")
        XCTAssertEqual(evolving.formatVersion, 2)
        XCTAssertEqual(evolving.schemas.count, 3)
        XCTAssertNotNil(evolving.currentSchema.field(at: "label"))
        XCTAssertEqual(evolving.defaultSpec.fields.first?.transform, .day)
        XCTAssertEqual(evolving.ref("main")?.snapshotId, evolving.currentSnapshotId)
    }
}
