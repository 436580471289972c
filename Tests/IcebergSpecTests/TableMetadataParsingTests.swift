import JSONSupport
import XCTest

@testable import IcebergSpec

/// Table metadata is read as strictly as Java's TableMetadataParser: what Java rejects is
/// rejected with the field named, what Java accepts (v1 without `schemas`, optional fields)
/// loads.
final class TableMetadataParsingTests: XCTestCase {
    func metadata(version: Int) throws -> JSONValue {
        let schema = try Schema(fields: [.required(1, "id", .long), .optional(2, "s", .string)])
        return TableMetadata(
            formatVersion: version, tableUUID: "9c12d441-03fe-4693-9a96-a0705ddf69c1", location: "/tmp/t",
            schema: schema,
            spec: PartitionSpec(fields: [PartitionField(sourceId: 2, fieldId: 1000, name: "s", transform: .identity)]),
            sortOrder: .unsorted, properties: [], lastUpdatedMs: 1
        ).json
    }

    func editing(_ json: JSONValue, _ edit: (inout [(String, JSONValue)]) -> Void) -> JSONValue {
        guard case .object(var pairs) = json else { return json }
        edit(&pairs)
        return .object(pairs)
    }

    func testWhatJavaRejectsIsRejectedNamingTheField() throws {
        for version in [2, 3] {
            let valid = try metadata(version: version)
            XCTAssertNoThrow(try TableMetadata(json: valid))
            var cases: [(String, JSONValue)] = []
            for field in [
                "schemas", "partition-specs", "last-partition-id", "sort-orders", "current-schema-id",
                "default-spec-id", "default-sort-order-id", "last-column-id", "last-updated-ms", "last-sequence-number",
            ] {
                cases.append((field, editing(valid) { $0.removeAll { $0.0 == field } }))
            }
            if version == 3 { cases.append(("next-row-id", editing(valid) { $0.removeAll { $0.0 == "next-row-id" } })) }
            cases.append(
                (
                    "current-schema-id",
                    editing(valid) { p in p = p.map { $0.0 == "current-schema-id" ? ($0.0, .int(7)) : $0 } }
                ))
            cases.append(
                (
                    "current-snapshot-id",
                    editing(valid) { p in
                        p =
                            p.map { $0.0 == "current-snapshot-id" ? ($0.0, .int(42)) : $0 } + [
                                ("current-snapshot-id", .int(42))
                            ]
                    }
                ))
            cases.append(
                ("schemas", editing(valid) { p in p = p.map { $0.0 == "schemas" ? ($0.0, .string("x")) : $0 } }))
            for (field, json) in cases {
                XCTAssertThrowsError(try TableMetadata(json: json), "v\(version) \(field)") { error in
                    XCTAssertTrue("\(error)".contains(field), "v\(version): \(error) should name \(field)")
                }
            }
        }
    }

    func testV1FilesWithoutTheLaterArraysStillLoad() throws {
        let v1 = editing(try metadata(version: 1)) { p in
            let schema = p.first { $0.0 == "schemas" }?.1.arrayValue?.first ?? .null
            let spec = p.first { $0.0 == "partition-specs" }?.1.arrayValue?.first?["fields"] ?? .null
            p.removeAll {
                [
                    "schemas", "current-schema-id", "partition-specs", "default-spec-id", "last-partition-id",
                    "sort-orders", "default-sort-order-id",
                ].contains($0.0)
            }
            p += [("schema", schema), ("partition-spec", spec)]
        }
        let m = try TableMetadata(json: v1)
        XCTAssertEqual(m.currentSchema.fields.map(\.name), ["id", "s"])
        XCTAssertEqual(m.defaultSpec.fields.map(\.name), ["s"])
        XCTAssertEqual(m.lastPartitionId, 1000)
        XCTAssertThrowsError(try TableMetadata(json: editing(v1) { $0.removeAll { $0.0 == "schema" } }))
    }

    /// Partition ids are 32-bit: a larger one is refused, not a crash when the next id is
    /// assigned (found by the hostile-client test: `add-spec` with field-id Int64.max).
    func testPartitionIdsBeyondThirtyTwoBitsAreRefused() throws {
        for spec in [
            #"{"spec-id": 0, "fields": [{"source-id": 1, "field-id": 9223372036854775807, "name": "a", "transform": "identity"}, {"source-id": 1, "name": "b", "transform": "identity"}]}"#,
            #"{"spec-id": 0, "fields": [{"source-id": 4294967296, "field-id": 1000, "name": "a", "transform": "identity"}]}"#,
            #"{"spec-id": 9223372036854775807, "fields": []}"#,
        ] {
            XCTAssertThrowsError(try PartitionSpec(json: try JSONValue.parse(spec)), spec) { error in
                XCTAssertTrue("\(error)".contains("32-bit"), "\(error)")
            }
        }
        let edge = try PartitionSpec(
            json: try JSONValue.parse(
                #"{"spec-id": 0, "fields": [{"source-id": 1, "field-id": 2147483646, "name": "a", "transform": "identity"}, {"source-id": 1, "name": "b", "transform": "identity"}]}"#
            ))
        XCTAssertEqual(edge.fields.map(\.fieldId), [2_147_483_646, 2_147_483_647])
    }
}
