import AWSTransport
import Iceberg
import IcebergAWS
import JSONSupport
import XCTest

/// `GluePointerStore` against botocore's requests and moto's answers (`Fixtures/aws/glue.json`).
/// The recorded `CreateTable` and `UpdateTable` inputs are PyIceberg's Glue catalog's for the
/// same table metadata: the columns, types, field parameters and table parameters this SDK
/// registers must be those PyIceberg registers, so Athena and PyIceberg see one table.
final class GlueReplayTests: XCTestCase {
    func testEveryGlueOperationSendsWhatBotocoreAndPyIcebergSendAndReadsMotosAnswer() async throws {
        let recording = try RecordedExchanges("glue")
        let glue = GluePointerStore(client: recording.client(signingName: "glue"))
        let metadata = try TableMetadata(json: XCTUnwrap(recording.fixture["metadata"]))
        let locations = (recording.fixture["metadata_locations"]?.arrayValue ?? []).compactMap(\.stringValue)
        XCTAssertEqual(locations.count, 2)
        let db = Namespace(["db"])
        let events = TableIdentifier(namespace: db, name: "events")

        try await glue.createNamespace(
            db, properties: [("location", "s3://lake/warehouse/db.db"), ("comment", "the db"), ("owner", "data-team")])
        await assertThrows(CatalogError.namespaceAlreadyExists("db")) {
            try await glue.createNamespace(db, properties: [])
        }
        try await glue.createNamespace(Namespace(["db2"]), properties: [])
        try await glue.createNamespace(Namespace(["db3"]), properties: [])
        let properties = try await glue.namespaceProperties(db)
        XCTAssertEqual(
            properties.map { "\($0.0)=\($0.1)" }.sorted(),
            ["comment=the db", "location=s3://lake/warehouse/db.db", "owner=data-team"])
        let exists = try await glue.namespaceExists(Namespace(["nope"]))
        XCTAssertFalse(exists)
        let namespaces = try await glue.allNamespaces()
        XCTAssertEqual(namespaces, [db, Namespace(["db2"]), Namespace(["db3"])])

        try await glue.createPointer(events, location: locations[0], metadata: metadata)
        await assertThrows(CatalogError.tableAlreadyExists("db.events")) {
            try await glue.createPointer(events, location: locations[0], metadata: metadata)
        }
        await assertThrows(CatalogError.noSuchNamespace("nope")) {
            try await glue.createPointer(
                TableIdentifier(namespace: Namespace(["nope"]), name: "events"), location: locations[0],
                metadata: metadata)
        }
        recording.skip("create plain table")
        let tables = try await glue.tables(in: db)
        XCTAssertEqual(tables, [events], "the plain (non-Iceberg) Glue table is not listed")

        let swapped = try await glue.swapPointer(events, expected: locations[0], new: locations[1], metadata: metadata)
        XCTAssertTrue(swapped)
        let pointer = try await glue.pointer(events)
        XCTAssertEqual(pointer, locations[1])
        let absent = try await glue.pointer(TableIdentifier(namespace: db, name: "nope"))
        XCTAssertNil(absent)
        try await glue.deletePointer(events)
        await assertThrows(CatalogError.noSuchTable("db.events")) { try await glue.deletePointer(events) }
        try await glue.dropNamespace(Namespace(["db3"]))

        recording.assertAllReplayed()
    }
}

/// Fails unless `body` throws exactly `expected`.
func assertThrows<E: Error & Equatable>(
    _ expected: E, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
) async {
    do {
        try await body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
    } catch let error as E {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}
