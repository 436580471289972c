import JSONSupport
import XCTest

@testable import Iceberg

/// Requirements and updates in their REST JSON form: parsed, serialized back, applied.
final class TableChangeJSONTests: XCTestCase {
    let schema = try! Schema(
        jsonText:
            #"{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":true,"type":"long"},{"id":2,"name":"ts","required":false,"type":"timestamptz"}]}"#
    )

    func testEveryRequirementAndUpdateRoundTrips() throws {
        let requirements: [TableRequirement] = [
            .assertCreate, .assertTableUUID("9c12d441-03fe-4693-9a96-a0705ddf69c1"),
            .assertRefSnapshotId(ref: "main", snapshotId: 42),
            .assertRefSnapshotId(ref: "audit", snapshotId: nil), .assertLastAssignedFieldId(7),
            .assertCurrentSchemaId(1),
            .assertLastAssignedPartitionId(1001), .assertDefaultSpecId(2), .assertDefaultSortOrderId(0),
        ]
        for r in requirements {
            XCTAssertEqual(try TableRequirement(json: try JSONValue.parse(r.json.serialized())), r, r.json.serialized())
        }
        let spec = try SpecParsing.partitionSpec("day(ts),bucket(16,id)", schema: schema)
        let snapshot = Snapshot(
            snapshotId: 5, parentSnapshotId: nil, sequenceNumber: 1, timestampMs: 1_700_000_000_000,
            manifestList: "s3://b/t/metadata/snap-5.avro", summary: [("operation", "append")], schemaId: 0)
        let updates: [TableUpdate] = [
            .assignUUID("9c12d441-03fe-4693-9a96-a0705ddf69c1"), .upgradeFormatVersion(2), .addSchema(schema),
            .setCurrentSchema(-1),
            .addSpec(spec), .setDefaultSpec(-1), .addSortOrder(.unsorted), .setDefaultSortOrder(0),
            .addSnapshot(snapshot),
            .setSnapshotRef(name: "main", ref: SnapshotRef(snapshotId: 5, type: .branch)), .removeSnapshots([1, 2]),
            .removeSnapshotRef("old"), .setProperties([("owner", "swift")]), .removeProperties(["x"]),
            .setLocation("s3://b/t"), .removeSchemas([1, 2]), .removePartitionSpecs([3]),
        ]
        for u in updates {
            XCTAssertEqual(try TableUpdate(json: try JSONValue.parse(u.json.serialized())), u, u.json.serialized())
        }
    }

    /// A schema, spec or sort order sent without an id gets the next free one.
    func testMissingIdsAreAssignedOnApply() throws {
        var m = TableMetadata(
            formatVersion: 2, tableUUID: "u", location: "/t", schema: schema, spec: .unpartitioned,
            sortOrder: .unsorted, properties: [], lastUpdatedMs: 0)
        let add = try TableUpdate(
            json: try JSONValue.parse(
                #"""
                {"action":"add-schema","schema":{"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},
                 {"id":2,"name":"ts","required":false,"type":"timestamptz"},{"id":3,"name":"note","required":false,"type":"string"}]}}
                """#))
        var added = AddedInCommit()
        try add.apply(to: &m, now: 1, added: &added)
        try TableUpdate(json: try JSONValue.parse(#"{"action":"set-current-schema","schema-id":-1}"#)).apply(
            to: &m, now: 1, added: &added)
        XCTAssertEqual(m.currentSchemaId, 1)
        XCTAssertEqual(m.lastColumnId, 3)
        try TableUpdate(
            json: try JSONValue.parse(
                #"{"action":"add-spec","spec":{"fields":[{"source-id":2,"field-id":1000,"name":"ts_day","transform":"day"}]}}"#
            )
        )
        .apply(to: &m, now: 1, added: &added)
        try TableUpdate(json: try JSONValue.parse(#"{"action":"set-default-spec","spec-id":-1}"#)).apply(
            to: &m, now: 1, added: &added)
        XCTAssertEqual(m.defaultSpecId, 1)
        XCTAssertEqual(m.defaultSpec.fields.map(\.name), ["ts_day"])
    }

    /// As in Java's builder, the id an added schema, spec or order carries is not kept: different
    /// content takes the next id (before, a schema sent with a taken id was silently dropped and a
    /// following `set-current-schema` made the old one current); the same content takes the
    /// existing id, which `-1` names only when this commit added it.
    func testAddedIdsAreReassignedAndSameContentIsReused() throws {
        var m = TableMetadata(
            formatVersion: 2, tableUUID: "u", location: "/t", schema: schema, spec: .unpartitioned,
            sortOrder: .unsorted, properties: [], lastUpdatedMs: 0)
        let wider = try Schema(schemaId: 0, fields: schema.fields + [.optional(9, "extra", .string)])
        var added = AddedInCommit()
        try TableUpdate.addSchema(wider).apply(to: &m, now: 1, added: &added)
        try TableUpdate.setCurrentSchema(-1).apply(to: &m, now: 1, added: &added)
        XCTAssertEqual(m.schemas.map(\.schemaId), [0, 1])
        XCTAssertEqual(m.currentSchema.fields, wider.fields)
        XCTAssertEqual(m.lastColumnId, 9)
        // Re-added in the same commit: still the last added.
        try TableUpdate.addSchema(wider).apply(to: &m, now: 1, added: &added)
        try TableUpdate.setCurrentSchema(-1).apply(to: &m, now: 1, added: &added)
        XCTAssertEqual(m.currentSchemaId, 1)

        // A later commit re-adding the original schema adds nothing, and -1 names nothing.
        var next = AddedInCommit()
        try TableUpdate.addSchema(schema).apply(to: &m, now: 2, added: &next)
        XCTAssertEqual(m.schemas.count, 2)
        XCTAssertThrowsError(try TableUpdate.setCurrentSchema(-1).apply(to: &m, now: 2, added: &next)) { error in
            XCTAssertTrue("\(error)".contains("set-current-schema"), "\(error)")
        }
        try TableUpdate.setCurrentSchema(0).apply(to: &m, now: 2, added: &next)
        XCTAssertEqual(m.currentSchemaId, 0)

        let day = PartitionSpec(
            specId: 0, fields: [PartitionField(sourceId: 2, fieldId: 1000, name: "ts_day", transform: .day)])
        var third = AddedInCommit()
        try TableUpdate.addSpec(day).apply(to: &m, now: 3, added: &third)
        try TableUpdate.setDefaultSpec(-1).apply(to: &m, now: 3, added: &third)
        XCTAssertEqual(m.partitionSpecs.map(\.specId), [0, 1])
        XCTAssertEqual(m.defaultSpec.fields.map(\.name), ["ts_day"])
        try TableUpdate.addSpec(PartitionSpec(specId: 7, fields: [])).apply(to: &m, now: 3, added: &third)
        XCTAssertEqual(m.partitionSpecs.count, 2, "the unpartitioned spec is spec 0 already")
        XCTAssertThrowsError(try TableUpdate.setDefaultSpec(-1).apply(to: &m, now: 3, added: &third))

        let byId = SortOrder(orderId: 0, fields: [SortField(sourceId: 1)])
        try TableUpdate.addSortOrder(byId).apply(to: &m, now: 3, added: &third)
        try TableUpdate.setDefaultSortOrder(-1).apply(to: &m, now: 3, added: &third)
        XCTAssertEqual(m.sortOrders.map(\.orderId), [0, 1])
        XCTAssertEqual(m.defaultSortOrderId, 1)
        try TableUpdate.addSortOrder(SortOrder(orderId: 5, fields: [])).apply(to: &m, now: 3, added: &third)
        XCTAssertEqual(m.sortOrders.count, 2, "the unsorted order stays order 0")
        XCTAssertEqual(try TableMetadata(jsonText: m.json.serialized()), m)
    }

    func testUnknownOrIncompleteChangesAreClearErrors() {
        XCTAssertThrowsError(try TableUpdate(json: try JSONValue.parse(#"{"action":"set-statistics-v9"}"#))) { error in
            XCTAssertTrue("\(error)".contains("unsupported update action 'set-statistics-v9'"), "\(error)")
        }
        XCTAssertThrowsError(try TableUpdate(json: try JSONValue.parse(#"{"action":"set-location"}"#))) { error in
            XCTAssertTrue("\(error)".contains("lacks 'location'"), "\(error)")
        }
        XCTAssertThrowsError(try TableRequirement(json: try JSONValue.parse(#"{"type":"assert-current-schema-id"}"#))) {
            error in
            XCTAssertTrue("\(error)".contains("lacks 'current-schema-id'"), "\(error)")
        }
        XCTAssertThrowsError(
            try TableUpdate(json: try JSONValue.parse(#"{"action":"add-schema","schema":{"type":"list"}}"#))
        ) { error in
            XCTAssertTrue("\(error)".contains("update add-schema"), "\(error)")
        }
    }
}
