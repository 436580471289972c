import Iceberg
import IcebergREST
import IcebergRESTServer
import JSONSupport
import TestSupport
import XCTest

/// `iceberg serve`'s catalog is confined to its warehouse: no location a client names can make
/// it write, read or delete outside, and a purge cannot reach another table's files.
final class RESTConfinementTests: XCTestCase {
    struct Row: Codable, Sendable { var id: Int64 }

    /// A warehouse inside `root` and a folder `root/outside` holding one file.
    struct Fixture {
        let root: URL
        let warehouse: String
        let outside: String
        let base: InMemoryCatalog
        let service: RESTCatalogService
    }

    func fixture() async throws -> Fixture {
        let root = try makeTemporaryDirectory(self, prefix: "rest-confined")
        let warehouse = root.appendingPathComponent("warehouse").path
        let outside = root.appendingPathComponent("outside").path
        try LocalFileIO.makeDirectories(warehouse)
        try LocalFileIO.makeDirectories(outside)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: outside + "/precious.txt"))
        let base = InMemoryCatalog(name: "mem", warehouse: warehouse, io: LocalFileIO(), store: InMemoryPointerStore())
        let service = RESTCatalogService(catalog: try ConfinedCatalog(base, allowing: [warehouse]))
        let f = Fixture(root: root, warehouse: warehouse, outside: outside, base: base, service: service)
        expectStatus(await send(f, "POST", "/v1/namespaces", #"{"namespace": ["ns"]}"#), 200)
        return f
    }

    func send(_ f: Fixture, _ method: String, _ path: String, _ body: String? = nil, query: String = "") async
        -> (Int, JSONValue?)
    {
        let r = await f.service.handle(
            RESTServerRequest(method: method, path: path, query: query, body: Array((body ?? "").utf8)))
        var b = r.body
        return (r.status, b.isEmpty ? nil : try? JSONValue.parse(bytes: &b))
    }

    static let schema =
        #"{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":false,"type":"long"}]}"#

    func create(_ f: Fixture, _ name: String, extra: String = "") async -> (Int, JSONValue?) {
        await send(f, "POST", "/v1/namespaces/ns/tables", #"{"name": "\#(name)", "schema": \#(Self.schema)\#(extra)}"#)
    }

    func commit(_ f: Fixture, _ table: String, _ updates: String) async -> (Int, JSONValue?) {
        await send(f, "POST", "/v1/namespaces/ns/tables/\(table)", #"{"requirements": [], "updates": [\#(updates)]}"#)
    }

    /// An add-snapshot update, and main moved to it.
    static func addSnapshot(_ id: Int64, manifestList: String, sequenceNumber: Int64 = 1) -> String {
        #"{"action": "add-snapshot", "snapshot": {"snapshot-id": \#(id), "sequence-number": \#(sequenceNumber), "timestamp-ms": 1700000000000, "manifest-list": "\#(manifestList)", "summary": {"operation": "append"}, "schema-id": 0}}, {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": \#(id)}"#
    }

    func assertForbidden(
        _ answer: (Int, JSONValue?), naming field: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(answer.0, 403, answer.1?.serialized() ?? "", file: file, line: line)
        XCTAssertEqual(answer.1?["error"]?["type"]?.stringValue, "ForbiddenException", file: file, line: line)
        let message = answer.1?["error"]?["message"]?.stringValue ?? ""
        XCTAssertTrue(message.contains(field), "'\(message)' names \(field)", file: file, line: line)
    }

    func expectStatus(
        _ answer: (Int, JSONValue?), _ status: Int, _ note: String = "", file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(answer.0, status, "\(note) \(answer.1?.serialized() ?? "")", file: file, line: line)
    }

    /// Everything beside the warehouse is as the fixture left it.
    func assertNothingOutsideChanged(_ f: Fixture, file: StaticString = #filePath, line: UInt = #line) throws {
        let fm = FileManager.default
        XCTAssertEqual(
            try fm.contentsOfDirectory(atPath: f.root.path).sorted(), ["outside", "warehouse"], file: file, line: line)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: f.outside).sorted(), ["precious.txt"], file: file, line: line)
    }

    func testTableLocationsOutsideTheWarehouseAreForbidden() async throws {
        let f = try await fixture()
        try FileManager.default.createSymbolicLink(atPath: f.warehouse + "/link", withDestinationPath: f.outside)
        for location in [
            f.outside + "/t", "file://" + f.outside + "/t", "file:" + f.outside + "/t", f.warehouse + "/../outside/t",
            "file://" + f.warehouse + "/ns.db/../../outside/t", f.warehouse + "/link/t", f.warehouse + "/link",
            "warehouse/t", "file://localhost" + f.warehouse + "/t", f.warehouse + "/a\u{0}/../../outside",
            "s3://bucket/t", "/",
        ] {
            assertForbidden(
                await create(f, "t", extra: #", "location": \#(JSONValue.string(location).serialized())"#),
                naming: "location")
        }
        assertForbidden(
            await create(f, "t", extra: #", "properties": {"write.metadata.path": "\#(f.outside)"}"#),
            naming: "write.metadata.path")
        assertForbidden(
            await create(f, "t", extra: #", "properties": {"write.data.path": "\#(f.warehouse)/../outside"}"#),
            naming: "write.data.path")
        try assertNothingOutsideChanged(f)

        expectStatus(await create(f, "inside", extra: #", "location": "file://\#(f.warehouse)/elsewhere/t""#), 200)
        expectStatus(await create(f, "plain"), 200)
        assertForbidden(
            await commit(f, "plain", #"{"action": "set-location", "location": "\#(f.outside)"}"#),
            naming: "set-location")
        assertForbidden(
            await commit(f, "plain", #"{"action": "set-properties", "updates": {"write.data.path": "\#(f.outside)"}}"#),
            naming: "write.data.path")
        expectStatus(
            await commit(f, "plain", #"{"action": "set-location", "location": "\#(f.warehouse)/moved"}"#), 200)
        try assertNothingOutsideChanged(f)
    }

    func testSnapshotsMayOnlyNameFilesInsideTheWarehouse() async throws {
        let f = try await fixture()
        expectStatus(await create(f, "source"), 200)
        expectStatus(await create(f, "t"), 200)
        let source = try await f.base.loadTable("ns.source")
        try await source.append([Row(id: 1), Row(id: 2)])
        let list = try await f.base.loadTable("ns.source").metadata.currentSnapshot!.manifestList
        let manifests = try ManifestCodec.readManifestList(try await f.base.io.read(list))

        // The manifest list outside, or not a manifest list.
        assertForbidden(
            await commit(f, "t", Self.addSnapshot(11, manifestList: f.outside + "/precious.txt")),
            naming: "manifest-list")
        let notAList = await commit(f, "t", Self.addSnapshot(12, manifestList: f.warehouse + "/ns.db/t/nothing.avro"))
        XCTAssertEqual(notAList.0, 400, notAList.1?.serialized() ?? "")

        // A manifest list inside that names a manifest outside.
        /// A manifest list in t's folder listing the source's manifests, the first one at `firstPath`.
        func listWithFirstManifest(at firstPath: String, snapshotId: Int64) async throws -> String {
            var listed = manifests
            listed[0].path = firstPath
            let location = f.warehouse + "/ns.db/t/metadata/snap-\(snapshotId).avro"
            try await f.base.io.write(
                location,
                try ManifestCodec.writeManifestList(
                    listed, snapshotId: snapshotId, parentSnapshotId: nil, sequenceNumber: 1, formatVersion: 2))
            return location
        }
        let listOut = try await listWithFirstManifest(at: f.outside + "/m.avro", snapshotId: 13)
        assertForbidden(await commit(f, "t", Self.addSnapshot(13, manifestList: listOut)), naming: "manifest")

        // A manifest inside that names a data file outside.
        let manifestBytes = try await f.base.io.read(manifests[0].path)
        var entries = try ManifestCodec.readManifest(
            manifestBytes, manifest: manifests[0], schema: source.metadata.currentSchema, spec: nil)
        entries[0].dataFile.filePath = "file://" + f.outside + "/precious.txt"
        let manifestOut = f.warehouse + "/ns.db/t/metadata/m-out.avro"
        try await f.base.io.write(
            manifestOut,
            try ManifestCodec.writeManifest(
                entries, spec: source.metadata.defaultSpec, schema: source.metadata.currentSchema, formatVersion: 2))
        let listIn = try await listWithFirstManifest(at: manifestOut, snapshotId: 14)
        assertForbidden(await commit(f, "t", Self.addSnapshot(14, manifestList: listIn)), naming: "precious.txt")
        let after = try await f.base.loadTable("ns.t")
        XCTAssertNil(after.metadata.currentSnapshot, "nothing committed")
        try assertNothingOutsideChanged(f)
    }

    func testRegisterReadsAndNamesOnlyFilesInsideTheWarehouse() async throws {
        let f = try await fixture()
        expectStatus(await create(f, "source"), 200)
        let source = try await f.base.loadTable("ns.source")
        try await source.append([Row(id: 1)])
        let current = try await f.base.loadTable("ns.source")
        // A copy of real metadata outside the warehouse is not read.
        let copy = f.outside + "/copy.metadata.json"
        try await f.base.io.write(copy, try await f.base.io.read(current.metadataLocation))
        assertForbidden(
            await send(f, "POST", "/v1/namespaces/ns/register", #"{"name": "r", "metadata-location": "\#(copy)"}"#),
            naming: "metadata-location")
        try FileManager.default.removeItem(atPath: copy)
        // Metadata inside whose location is outside.
        var text = String(decoding: try await f.base.io.read(current.metadataLocation), as: UTF8.self)
        text = text.replacingOccurrences(
            of: "\"location\":\"\(current.metadata.location)\"", with: "\"location\":\"\(f.outside)\"")
        let moved = f.warehouse + "/ns.db/source/metadata/moved.metadata.json"
        try await f.base.io.write(moved, Array(text.utf8))
        assertForbidden(
            await send(f, "POST", "/v1/namespaces/ns/register", #"{"name": "r", "metadata-location": "\#(moved)"}"#),
            naming: "location")
        expectStatus(
            await send(
                f, "POST", "/v1/namespaces/ns/register",
                #"{"name": "r", "metadata-location": "\#(current.metadataLocation)"}"#
            ), 200)
        try assertNothingOutsideChanged(f)
    }

    /// The issue's reproduction: a table that borrows another table's manifest list and is
    /// then purged used to destroy the other table.
    func testPurgeDeletesOnlyTheTablesOwnFiles() async throws {
        let f = try await fixture()
        expectStatus(await create(f, "victim"), 200)
        try await f.base.loadTable("ns.victim").append([Row(id: 1), Row(id: 2), Row(id: 3)])
        let victim = try await f.base.loadTable("ns.victim")
        let list = victim.metadata.currentSnapshot!.manifestList

        // A borrower elsewhere in the warehouse, and one sharing the victim's location.
        expectStatus(await create(f, "borrower"), 200)
        expectStatus(
            await create(f, "squatter", extra: #", "location": "\#(victim.metadata.location)""#), 200)
        for name in ["borrower", "squatter"] {
            expectStatus(await commit(f, name, Self.addSnapshot(77, manifestList: list)), 200, name)
            expectStatus(
                await send(f, "DELETE", "/v1/namespaces/ns/tables/\(name)", query: "purgeRequested=true"), 204)
            let rows = try await f.base.loadTable("ns.victim").scan().rows().compactMap { $0["id"]?.intValue }
            XCTAssertEqual(rows.sorted(), [1, 2, 3], "the victim still reads after purging \(name)")
        }
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: f.warehouse + "/ns.db/borrower/metadata"), [],
            "the borrower's own metadata files are gone")

        // An ordinary purge removes every file of the table.
        expectStatus(await send(f, "DELETE", "/v1/namespaces/ns/tables/victim", query: "purgeRequested=true"), 204)
        let left = FileManager.default.enumerator(atPath: victim.metadata.location)?.allObjects.compactMap {
            $0 as? String
        }
        XCTAssertEqual(left?.filter { $0.hasSuffix(".json") || $0.hasSuffix(".avro") || $0.hasSuffix(".parquet") }, [])
        try assertNothingOutsideChanged(f)
    }

    /// While a table of the catalog cannot be loaded, no purge deletes files: that table might
    /// hold some under the purged table's location.
    func testPurgeDeletesNothingWhileATableCannotBeLoaded() async throws {
        let f = try await fixture()
        expectStatus(await create(f, "doomed"), 200)
        try await f.base.loadTable("ns.doomed").append([Row(id: 1)])
        let doomed = try await f.base.loadTable("ns.doomed")
        // A table whose pointer names a metadata file that is gone.
        try await f.base.store.createPointer(
            TableIdentifier(namespace: Namespace(["ns"]), name: "broken"),
            location: f.warehouse + "/ns.db/broken/metadata/gone.metadata.json", metadata: doomed.metadata)
        expectStatus(await send(f, "DELETE", "/v1/namespaces/ns/tables/doomed", query: "purgeRequested=true"), 204)
        XCTAssertTrue(FileManager.default.fileExists(atPath: doomed.metadataLocation), "its files stay")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: doomed.metadata.currentSnapshot!.manifestList), "its files stay")
    }
}
