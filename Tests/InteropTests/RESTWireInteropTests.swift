import Foundation
import Iceberg
import IcebergREST
import JSONSupport
import TestSupport
import XCTest

/// The REST wire forms against PyIceberg's own request and response models (pydantic): what
/// PyIceberg builds, we read and write back unchanged; what we build, PyIceberg's models accept
/// and dump back with the same content.
final class RESTWireInteropTests: XCTestCase {
    private func peer(_ arguments: [String], input: JSONValue? = nil) throws -> JSONValue {
        var out = [UInt8](
            try PythonPeer.run(
                script: "rest_wire_peer.py", arguments, input: input.map { Data($0.serializedBytes()) }))
        return try JSONValue.parse(bytes: &out)
    }

    /// A CommitTableRequest PyIceberg builds from every update and requirement kind we read
    /// parses and is written back as the same JSON value (key order aside).
    func testPyIcebergCommitRequestsRoundTripThroughOurWireForms() throws {
        let theirs = try peer(["commit"])
        let parsed = try RESTWire.commitTableRequest(theirs)
        XCTAssertEqual(parsed.identifier?.description, "shop.sales")
        XCTAssertEqual(parsed.requirements.count, 8)
        XCTAssertEqual(parsed.updates.count, 16)
        let ours = RESTWire.commitTableRequest(
            parsed.identifier, requirements: parsed.requirements, updates: parsed.updates)
        let dir = try makeTemporaryDirectory(self, prefix: "wire")
        let a = dir.appendingPathComponent("theirs.json")
        let b = dir.appendingPathComponent("ours.json")
        try Data(theirs.serializedBytes()).write(to: a)
        try Data(ours.serializedBytes()).write(to: b)
        XCTAssertNoThrow(try PythonPeer.run(script: "rest_wire_peer.py", ["same", a.path, b.path]))
    }

    /// What we send and answer, validated by PyIceberg's models: a create request, a commit
    /// with every update kind we produce, and a load-table result of a table with snapshots.
    func testOurRequestsAndResultsAreValidForPyIceberg() async throws {
        let schema = try Schema(
            schemaId: 0, identifierFieldIds: [1],
            fields: [.required(1, "id", .long), .optional(2, "ts", .timestamptz), .optional(3, "name", .string)])
        let spec = try SpecParsing.partitionSpec("day(ts),bucket(4,id)", schema: schema)
        let order = try SpecParsing.sortOrder("ts desc, id", schema: schema)
        let creation = TableCreation(
            schema: schema, spec: spec, sortOrder: order, properties: [("owner", "wire")],
            location: "s3://bucket/shop/sales", formatVersion: 2)
        let create = RESTWire.createTableRequest(name: "sales", creation, stageCreate: true)

        let (catalog, _) = try await makeLocalCatalog(self, prefix: "wire", namespace: "shop")
        let id = try TableIdentifier(parsing: "shop.sales")
        _ = try await catalog.createTable(id, TableCreation(schema: schema, spec: spec, sortOrder: order))
        let table = try await catalog.loadTable(id)
        try await TableFixtures.append(
            [.object([("id", .int(1)), ("ts", .string("2026-01-02T03:04:05+00:00")), ("name", .string("a"))])],
            to: table)
        try await table.manageSnapshots([.createTag("v1")])
        let metadata = table.metadata
        let snapshot = try XCTUnwrap(metadata.currentSnapshot)
        let updates: [TableUpdate] = [
            .assignUUID(metadata.tableUUID), .upgradeFormatVersion(2), .addSchema(schema), .setCurrentSchema(-1),
            .addSpec(spec), .setDefaultSpec(-1), .addSortOrder(order), .setDefaultSortOrder(-1),
            .addSnapshot(snapshot),
            .setSnapshotRef(name: "main", ref: SnapshotRef(snapshotId: snapshot.snapshotId, type: .branch)),
            .setSnapshotRef(
                name: "v1", ref: SnapshotRef(snapshotId: snapshot.snapshotId, type: .tag, maxRefAgeMs: 3_600_000)),
            .removeSnapshots([7]), .removeSnapshotRef("old"), .setProperties([("k", "v")]), .removeProperties(["x"]),
            .setLocation("s3://bucket/elsewhere"),
        ]
        let requirements: [TableRequirement] = [
            .assertTableUUID(metadata.tableUUID), .assertRefSnapshotId(ref: "main", snapshotId: snapshot.snapshotId),
            .assertRefSnapshotId(ref: "new", snapshotId: nil), .assertLastAssignedFieldId(3),
            .assertCurrentSchemaId(0), .assertLastAssignedPartitionId(1001), .assertDefaultSpecId(0),
            .assertDefaultSortOrderId(1),
        ]
        let commit = RESTWire.commitTableRequest(id, requirements: requirements, updates: updates)
        let load = RESTWire.loadTableResult(
            metadataLocation: table.metadataLocation, metadata: metadata, config: [("client.region", "eu-west-1")])

        let answer = try peer(
            ["validate"],
            input: .array([
                .object([("model", .string("CreateTableRequest")), ("json", create)]),
                .object([("model", .string("CommitTableRequest")), ("json", commit)]),
                .object([("model", .string("TableResponse")), ("json", load)]),
            ]))
        let dumped = try XCTUnwrap(answer.arrayValue).map { $0["dumped"] ?? .null }
        XCTAssertEqual(dumped.count, 3)

        XCTAssertEqual(dumped[0]["name"]?.stringValue, "sales")
        XCTAssertEqual(dumped[0]["location"]?.stringValue, "s3://bucket/shop/sales")
        XCTAssertEqual(dumped[0]["stage-create"]?.boolValue, true)
        XCTAssertEqual(dumped[0]["schema"]?["fields"]?.arrayValue?.count, 3)
        XCTAssertEqual(dumped[0]["partition-spec"]?["fields"]?.arrayValue?.count, 2)
        XCTAssertEqual(dumped[0]["write-order"]?["fields"]?.arrayValue?.count, 2)
        XCTAssertEqual(dumped[0]["properties"]?["owner"]?.stringValue, "wire")

        let actions = dumped[1]["updates"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
        XCTAssertEqual(actions, updates.compactMap { $0.json["action"]?.stringValue })
        let types = dumped[1]["requirements"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        XCTAssertEqual(types, requirements.compactMap { $0.json["type"]?.stringValue })
        XCTAssertEqual(
            try RESTWire.commitTableRequest(dumped[1]).updates, updates,
            "PyIceberg's dump of our commit reads back as the same updates")

        XCTAssertEqual(dumped[2]["metadata-location"]?.stringValue, table.metadataLocation)
        XCTAssertEqual(dumped[2]["config"]?["client.region"]?.stringValue, "eu-west-1")
        let theirMetadata = try XCTUnwrap(dumped[2]["metadata"])
        XCTAssertEqual(theirMetadata["current-snapshot-id"]?.intValue, snapshot.snapshotId)
        XCTAssertEqual(theirMetadata["table-uuid"]?.stringValue, metadata.tableUUID)
        XCTAssertEqual(theirMetadata["refs"]?["v1"]?["type"]?.stringValue, "tag")
        let reparsed = try TableMetadata(json: theirMetadata)
        XCTAssertEqual(reparsed.snapshots, metadata.snapshots)
        XCTAssertEqual(reparsed.schemas, metadata.schemas)
        XCTAssertEqual(reparsed.partitionSpecs, metadata.partitionSpecs)
        XCTAssertEqual(reparsed.sortOrders, metadata.sortOrders)
    }
}
