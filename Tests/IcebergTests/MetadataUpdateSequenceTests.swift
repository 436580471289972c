import IcebergSpec
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// Random sequences of updates — valid ones, and ones a careless or hostile client sends
/// (ids at the edges of `int` and `long`, defaults and refs naming nothing, the current
/// snapshot removed, stale sequence numbers, overflowing row ids) — applied as a commit
/// applies them: every accepted update leaves metadata that `TableMetadata(json:)` parses back
/// to the same JSON, and every refused update leaves the metadata as it was.
final class MetadataUpdateSequenceTests: XCTestCase {
    func testEveryAcceptedUpdateLeavesMetadataThatParsesBackIdentically() throws {
        var rng = SplitMix64(seed: 0x1CEB_E26)
        var accepted = 0
        var refused: [String: Int] = [:]
        for sequence in 0..<200 {
            var m = try TableMetadata.newTable(
                schema: Schema(fields: [.required(1, "id", .long), .optional(2, "name", .string)]),
                spec: .unpartitioned, sortOrder: .unsorted, location: "file:///warehouse/t", properties: [],
                formatVersion: [1, 2, 3][sequence % 3],
                tableUUID: "9b1c5e2a-0000-4000-8000-00000000000\(sequence % 10)",
                now: 1_700_000_000_000)
            var added = AddedInCommit()
            for step in 0..<40 {
                let update = randomUpdate(m, &rng)
                let before = m.json.serialized()
                // A commit holds a few updates; `-1` names what one added.
                if rng.next() % 4 == 0 { added = AddedInCommit() }
                do {
                    try update.apply(to: &m, now: 1_700_000_000_000 + Int64(step), added: &added)
                    accepted += 1
                } catch {
                    refused[update.json["action"]?.stringValue ?? "?", default: 0] += 1
                    XCTAssertEqual(
                        m.json.serialized(), before, "refused \(update.json.serialized()) changed the metadata")
                    continue
                }
                let text = m.json.serialized()
                let parsed: TableMetadata
                do {
                    parsed = try TableMetadata(jsonText: text)
                } catch {
                    return XCTFail("after \(update.json.serialized()) the metadata does not parse: \(error)\n\(text)")
                }
                XCTAssertEqual(parsed.json.serialized(), text, "after \(update.json.serialized())")
            }
        }
        XCTAssertGreaterThan(accepted, 2000)
        for action in ["add-schema", "add-spec", "add-sort-order", "set-default-sort-order", "remove-snapshots"] {
            XCTAssertGreaterThan(refused[action] ?? 0, 0, "no \(action) was refused: \(refused)")
        }
    }

    /// One update, drawn from what clients send, aimed at the current metadata's ids and edges.
    private func randomUpdate(_ m: TableMetadata, _ rng: inout SplitMix64) -> TableUpdate {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let edgeIds = [-1, -1, -1, 0, 1, 7, Int(Int32.max), Int(Int32.max) + 1, Int.max, -5]
        let snapshotIds = m.snapshots.map(\.snapshotId)
        switch rng.next() % 14 {
        case 0:
            let extra = pick([3, 4, Int(Int32.max), Int(Int32.max) + 1])
            let fields: [NestedField] = [.required(1, "id", .long), .optional(extra, "c\(extra % 97)", .int)]
            return .addSchema((try? Schema(schemaId: pick(edgeIds), fields: fields)) ?? m.currentSchema)
        case 1: return .setCurrentSchema(pick([-1, 0, 1, m.currentSchemaId, 99]))
        case 2:
            let field = PartitionField(
                sourceId: 1, fieldId: pick([1000, 1001, Int(Int32.max) + 1]), name: "b", transform: .bucket(8))
            return .addSpec(PartitionSpec(specId: pick(edgeIds), fields: pick([[], [field]])))
        case 3: return .setDefaultSpec(pick([-1, 0, 1, 99]))
        case 4:
            return .addSortOrder(
                SortOrder(
                    orderId: pick(edgeIds), fields: pick([[], [SortField(sourceId: 1)], [SortField(sourceId: 99)]])))
        case 5: return .setDefaultSortOrder(pick([-1, 0, 1, 2, 99]))
        case 6, 7:
            let id = pick([Int64(rng.next() >> 2), snapshotIds.first ?? 1, Int64.max])
            let sequence = pick([m.lastSequenceNumber + 1, m.lastSequenceNumber, 0])
            var s = Snapshot(
                snapshotId: id, parentSnapshotId: m.currentSnapshotId,
                sequenceNumber: m.formatVersion == 1 ? 0 : sequence,
                timestampMs: 1_700_000_000_000, manifestList: "file:///warehouse/t/metadata/snap-\(id).avro",
                summary: [("operation", "append")], schemaId: m.currentSchemaId)
            if m.formatVersion >= 3 {
                s.firstRowId = pick([m.nextRowId ?? 0, Int64.max - 1, 0])
                s.addedRows = pick([10, Int64.max, -1])
            }
            return .addSnapshot(s)
        case 8:
            let target = pick(snapshotIds + [424_242])
            return .setSnapshotRef(
                name: pick(["main", "audit", "v1"]), ref: SnapshotRef(snapshotId: target, type: pick([.branch, .tag])))
        case 9: return .removeSnapshots(snapshotIds.isEmpty ? [1] : [pick(snapshotIds)])
        case 10: return .removeSnapshotRef(pick(["main", "audit", "v1", "none"]))
        case 11: return .setProperties([(pick(["a", "b", "write.format.default"]), pick(["1", "", "parquet"]))])
        case 12:
            return pick([
                .removeProperties([pick(["a", "b", "missing"])]), .removeSchemas([pick([0, 1, 2, m.currentSchemaId])]),
                .removePartitionSpecs([pick([0, 1, m.defaultSpecId])]),
            ])
        default: return .upgradeFormatVersion(pick([1, 2, 3, 4]))
        }
    }
}
