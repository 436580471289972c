import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Every metadata table of a table with deletes of every kind, partition evolution and a
    /// tag, as Iceberg Java shows it in Spark (`SELECT * FROM cat.db.t.KIND`), equals ours:
    /// the same columns in the same order and the same rows, value by value, at the current
    /// snapshot and (for the tables of one snapshot) an older one.
    func testJavasMetadataTablesEqualOurs() async throws {
        let shared = try sharedCatalog()
        try InspectTests.makeEvolvedTable(db: shared.db, warehouse: shared.warehouse, name: shared.name)
        let table = try await shared.catalog.loadTable("db.t")
        let older = table.metadata.snapshots[1].snapshotId
        for type in MetadataTableType.allCases {
            for snapshot in type.readsOneSnapshot ? [nil, older] : [nil] {
                let query =
                    "SELECT * FROM \(shared.spark("db.t")).\(type.rawValue)"
                    + (snapshot.map { " VERSION AS OF \($0)" } ?? "")
                let java = try spark.sql(query)
                let inspected = try await table.inspect(type, snapshotId: snapshot)
                // `all_manifests.key_metadata` came after Java 1.10 (Java's main branch and
                // PyIceberg have it).
                let newer: Set<String> = type == .allManifests ? ["key_metadata"] : []
                let ours = try inspected.rows().map { row -> JSONValue in
                    guard case .object(let pairs) = row else { return row }
                    return .object(pairs.filter { !newer.contains($0.0) })
                }
                XCTAssertEqual(java.count, ours.count, query)
                if case .object(let pairs)? = java.first {
                    XCTAssertEqual(
                        pairs.map(\.0), inspected.schema.fields.map(\.name).filter { !newer.contains($0) },
                        "\(query): columns")
                }
                XCTAssertEqual(
                    java.map { InspectTests.comparable($0) }.sorted(),
                    ours.map { InspectTests.comparable($0) }.sorted(),
                    query)
            }
        }
    }
}
