import JSONSupport
import XCTest

@testable import Iceberg

/// The schema evolution rules: new ids, nested adds, widening, moves, identifier fields, and
/// an error naming the column and the rule for every violation.
final class SchemaEvolutionTests: XCTestCase {
    func base() throws -> Schema {
        try Schema(
            identifierFieldIds: [1],
            fields: [
                .required(1, "id", .long), .optional(2, "qty", .int), .optional(3, "ratio", .float),
                .optional(4, "amount", .decimal(precision: 10, scale: 2)),
                .optional(5, "st", .struct(StructType([.optional(6, "a", .string)]))),
                .optional(
                    7, "points",
                    .list(
                        ListType(
                            elementId: 8, elementRequired: false,
                            element: .struct(StructType([.optional(9, "x", .double)]))))),
                .optional(
                    10, "attrs",
                    .map(
                        MapType(
                            keyId: 11, key: .string, valueId: 12, valueRequired: false,
                            value: .struct(StructType([.optional(13, "unit", .string)]))))),
                .optional(14, "day", .date),
            ])
    }

    func evolution(version: Int = 2) -> SchemaEvolution {
        SchemaEvolution(formatVersion: version, lastColumnId: 14, partitionSourceIds: [14])
    }

    func testChangesApplyWithFreshIdsAndKeepOldOnes() throws {
        var e = evolution()
        let s = try e.apply(
            [
                .addColumn(parent: nil, name: "note", type: .string, doc: "free text"),
                .addColumn(parent: "st", name: "b", type: .long),
                .addColumn(parent: "points.element", name: "y", type: .double),
                .addColumn(parent: "attrs.value", name: "scale", type: .int),
                .addColumn(
                    parent: nil, name: "tags",
                    type: .list(ListType(elementId: 0, elementRequired: true, element: .string))),
                .renameColumn("qty", to: "quantity"), .updateColumnType("quantity", to: .long),
                .updateColumnType("ratio", to: .double),
                .updateColumnType("amount", to: .decimal(precision: 14, scale: 2)),
                .deleteColumn("st.a"), .moveFirst("note"), .moveAfter("tags", sibling: "id"),
                .updateDoc("id", doc: "the key"),
            ], to: try base())
        XCTAssertEqual(
            s.fields.map(\.name), ["note", "id", "tags", "quantity", "ratio", "amount", "st", "points", "attrs", "day"])
        XCTAssertEqual(s.field(at: "note")?.id, 15)
        XCTAssertEqual(s.field(at: "note")?.doc, "free text")
        XCTAssertEqual(s.field(at: "st.b")?.id, 16)
        XCTAssertEqual(s.field(at: "quantity")?.id, 2)
        XCTAssertEqual(s.field(at: "quantity")?.type, .long)
        XCTAssertEqual(s.field(at: "ratio")?.type, .double)
        XCTAssertNil(s.field(at: "st.a"))
        guard case .list(let points)? = s.field(at: "points")?.type, case .struct(let element) = points.element else {
            return XCTFail("points is not a list of structs")
        }
        XCTAssertEqual(element.fields.map(\.name), ["x", "y"])
        XCTAssertEqual(element.fields.last?.id, 17)
        guard case .list(let tags)? = s.field(at: "tags")?.type else { return XCTFail("tags is not a list") }
        XCTAssertEqual(tags.elementId, 20)
        XCTAssertEqual(e.lastColumnId, 20)
        XCTAssertEqual(s.identifierFieldIds, [1])
    }

    func testEveryRuleViolationNamesTheColumnAndTheRule() throws {
        let cases: [(SchemaChange, String)] = [
            (.deleteColumn("id"), "identifier"),
            (.deleteColumn("day"), "partition spec"),
            (.updateColumnType("qty", to: .string), "cannot be changed"),
            (.updateColumnType("amount", to: .decimal(precision: 8, scale: 2)), "cannot be changed"),
            (.updateColumnType("day", to: .timestamp), "cannot be changed"),
            (.addColumn(parent: nil, name: "qty", type: .int), "already exists"),
            (.addColumn(parent: nil, name: "must", type: .int, required: true), "default"),
            (.addColumn(parent: nil, name: "d", type: .int, defaultValue: .int(1)), "format v3"),
            (.addColumn(parent: "nope", name: "x", type: .int), "no such column"),
            (.renameColumn("qty", to: "ratio"), "already named"),
            (.requireColumn("qty"), "incompatible"),
            (.makeOptional("id"), "identifier"),
            (.moveAfter("qty", sibling: "st.a"), "same struct"),
            (.setIdentifierFields(["ratio"]), "float"),
            (.setIdentifierFields(["qty"]), "required"),
            (.setIdentifierFields(["points.element.x"]), "outside lists"),
        ]
        for (change, rule) in cases {
            var e = evolution()
            XCTAssertThrowsError(try e.apply([change], to: try base()), "\(change)") { error in
                XCTAssertTrue("\(error)".contains(rule), "\(change): \(error) should say \(rule)")
            }
        }
        // v3 allows a required column with a default and date → timestamp (not for a partition source).
        var v3 = evolution(version: 3)
        let s = try v3.apply(
            [.addColumn(parent: nil, name: "flag", type: .int, required: true, defaultValue: .int(7))], to: try base())
        XCTAssertEqual(s.field(at: "flag")?.initialDefault, .int(7))
        var v3b = SchemaEvolution(formatVersion: 3, lastColumnId: 14)
        XCTAssertEqual(
            try v3b.apply([.updateColumnType("day", to: .timestamp)], to: try base()).field(at: "day")?.type, .timestamp
        )
    }

    func testNameMappingLearnsNewAndRenamedColumns() throws {
        let schema = try base()
        let mapping = try NameMapping(json: AddFiles.nameMapping(schema))
        var e = evolution()
        let evolved = try e.apply(
            [.renameColumn("qty", to: "quantity"), .addColumn(parent: "st", name: "b", type: .long)], to: schema)
        let updated = mapping.updated(for: evolved)
        XCTAssertEqual(updated.fields.first { $0.id == 2 }?.names, ["qty", "quantity"])
        XCTAssertEqual(updated.fields.first { $0.id == 5 }?.fields.map(\.names), [["a"], ["b"]])
        XCTAssertEqual(try NameMapping(json: updated.json), updated)
    }
}
