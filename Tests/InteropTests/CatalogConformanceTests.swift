import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import IcebergREST
import IcebergRESTServer
import IcebergSQLite
import Logging
import TestSupport
import XCTest

/// One set of catalog behaviours run over every catalog (the model: iceberg-go's
/// `catalog/catalogtest`): namespaces, create/load/list/rename/drop/purge, commit conflicts,
/// concurrent commits, staged creates and multi-table transactions where supported.
final class CatalogConformanceTests: XCTestCase {
    func testInMemory() async throws {
        let dir = try makeTemporaryDirectory(self)
        try await CatalogConformance(
            catalog: InMemoryCatalog(
                name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore()),
            test: self
        ).run()
    }

    func testSQLite() async throws {
        let dir = try makeTemporaryDirectory(self)
        let catalog = try SQLiteCatalog.open(
            path: "\(dir.path)/catalog.db", name: "conformance", warehouse: "\(dir.path)/warehouse")
        try await CatalogConformance(catalog: catalog, test: self).run()
    }

    /// The REST client against `RESTServer` in this process, over a SQLite catalog.
    func testRESTInProcess() async throws {
        let dir = try makeTemporaryDirectory(self)
        let backing = try SQLiteCatalog.open(
            path: "\(dir.path)/catalog.db", name: "served", warehouse: "\(dir.path)/warehouse")
        let server = RESTServer(service: RESTCatalogService(catalog: backing), host: "127.0.0.1", port: 0)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "conformance")
        logger.logLevel = .critical  // the requests themselves are not the subject here
        let quietLogger = logger
        let task = Task { try await server.run(logger: quietLogger) { port in portSink.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return XCTFail("the server did not start") }
        let client = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: "http://127.0.0.1:\(port)"), io: LocalFileIO())
        try await CatalogConformance(catalog: client, test: self).run()
    }

    func testS3TablesOnMoto() async throws {
        let moto = try Moto(self, authenticated: false)
        let control = AWSServiceClient(
            signingName: "s3tables", region: "us-east-1", endpoint: try AWSEndpoint(url: moto.endpoint),
            credentials: StaticCredentialsProvider(moto.credentials))
        let arn = try await S3TablesPointerStore.createTableBucket(name: "conformance", client: control)
        let catalog = try AWSCatalogs.s3Tables(
            tableBucketARN: arn, settings: AWSSettings(environment: moto.environment))
        try await CatalogConformance(catalog: catalog, test: self, namespaceProperties: false, stagedCreate: false)
            .run()
    }

    func testGlueOnMoto() async throws {
        let moto = try Moto(self, authenticated: false)
        let settings = AWSSettings(environment: moto.environment)
        try await settings.s3FileIO().s3.createBucket("conformance-lake")
        let catalog = try AWSCatalogs.glue(warehouse: "s3://conformance-lake/wh", settings: settings)
        try await CatalogConformance(catalog: catalog, test: self).run()
    }
}

/// The behaviours every catalog must show. Names are valid in every catalog (S3 Tables and
/// Glue take lower-case letters, digits and underscores, one namespace level).
struct CatalogConformance {
    let catalog: any Catalog
    let test: XCTestCase
    /// Whether namespaces keep properties given at creation.
    var namespaceProperties = true
    /// Whether `stageCreateTable` is offered (stores that assign locations refuse it).
    var stagedCreate = true

    static let schema = try! Schema(fields: [.required(1, "id", .long), .optional(2, "name", .string)])
    struct Row: Codable, Sendable, Equatable {
        var id: Int64
        var name: String?
    }

    func run() async throws {
        try await namespaces()
        try await tables()
        try await commits()
        try await staging()
        try await transactions()
        try await multiTableTransactions()
    }

    private func expectError(_ what: String, _ matches: (CatalogError) -> Bool, _ body: () async throws -> Void) async {
        do {
            try await body()
            XCTFail("\(catalog.name): \(what) succeeded")
        } catch let error as CatalogError {
            XCTAssertTrue(matches(error), "\(catalog.name): \(what): \(error)")
        } catch {
            XCTFail("\(catalog.name): \(what): \(error)")
        }
    }

    func namespaces() async throws {
        let ns = Namespace(["conf_ns"])
        try await catalog.createNamespace(ns, properties: namespaceProperties ? [("owner", "conformance")] : [])
        let exists = try await catalog.namespaceExists(ns)
        XCTAssertTrue(exists, catalog.name)
        let listed = try await catalog.listNamespaces(parent: nil)
        XCTAssertTrue(listed.contains(ns), "\(catalog.name): \(listed)")
        if namespaceProperties {
            let properties = try await catalog.namespaceProperties(ns)
            XCTAssertEqual(properties.first { $0.0 == "owner" }?.1, "conformance", catalog.name)
        }
        await expectError(
            "creating a namespace twice", { if case .namespaceAlreadyExists = $0 { return true } else { return false } }
        ) {
            try await catalog.createNamespace(ns, properties: [])
        }
        await expectError(
            "reading a missing namespace", { if case .noSuchNamespace = $0 { return true } else { return false } }
        ) {
            _ = try await catalog.namespaceProperties(Namespace(["conf_missing"]))
        }
        let missing = try await catalog.namespaceExists(Namespace(["conf_missing"]))
        XCTAssertFalse(missing, catalog.name)
        try await catalog.dropNamespace(ns)
        let gone = try await catalog.namespaceExists(ns)
        XCTAssertFalse(gone, catalog.name)
    }

    func tables() async throws {
        let ns = Namespace(["conf_tables"])
        try await catalog.createNamespace(ns, properties: [])
        let id = TableIdentifier(namespace: ns, name: "events")
        let table = try await catalog.createTable(id, TableCreation(schema: Self.schema))
        await expectError(
            "creating a table twice", { if case .tableAlreadyExists = $0 { return true } else { return false } }
        ) {
            _ = try await catalog.createTable(id, TableCreation(schema: Self.schema))
        }
        await expectError(
            "loading a missing table", { if case .noSuchTable = $0 { return true } else { return false } }
        ) {
            _ = try await catalog.loadTable(TableIdentifier(namespace: ns, name: "missing"))
        }
        await expectError(
            "dropping a namespace with tables",
            { if case .namespaceNotEmpty = $0 { return true } else { return false } }
        ) {
            try await catalog.dropNamespace(ns)
        }
        try await table.append([Row(id: 1, name: "a"), Row(id: 2, name: nil)])
        let listed = try await catalog.listTables(ns)
        XCTAssertEqual(listed, [id], catalog.name)
        let exists = try await catalog.tableExists(id)
        XCTAssertTrue(exists, catalog.name)

        let renamed = TableIdentifier(namespace: ns, name: "renamed")
        try await catalog.renameTable(id, to: renamed)
        let oldExists = try await catalog.tableExists(id)
        XCTAssertFalse(oldExists, catalog.name)
        let loaded = try await catalog.loadTable(renamed)
        XCTAssertEqual(
            loaded.metadata.tableUUID, table.metadata.tableUUID, "\(catalog.name): the same table after the rename")
        let rows = try await loaded.scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(rows.sorted(), [1, 2], catalog.name)

        let dataFile = try await loaded.scan().planFiles().first?.file.filePath
        try await catalog.dropTable(renamed, purge: true)
        let dropped = try await catalog.tableExists(renamed)
        XCTAssertFalse(dropped, catalog.name)
        if let dataFile {
            let stillThere = try await catalog.io.exists(dataFile)
            XCTAssertFalse(stillThere, "\(catalog.name): purge deletes the data files")
        }
        try await catalog.dropNamespace(ns)
    }

    func commits() async throws {
        let ns = Namespace(["conf_commits"])
        try await catalog.createNamespace(ns, properties: [])
        let id = TableIdentifier(namespace: ns, name: "racing")
        let start = try await catalog.createTable(
            id, TableCreation(schema: Self.schema, properties: [(TableProperties.commitMinRetryWaitMs.key, "5")]))
        let first = start.copy()
        try await first.append([Row(id: 0, name: "first")])
        await expectError(
            "a commit on a stale ref", { if case .commitConflict = $0 { return true } else { return false } }
        ) {
            _ = try await catalog.commitTable(
                id, requirements: [.assertRefSnapshotId(ref: "main", snapshotId: nil)],
                updates: [.setProperties([("stale", "yes")])])
        }
        // A stale handle's append is applied again on the refreshed table.
        let stale = start.copy()
        try await stale.append([Row(id: 1, name: "stale")])
        // Concurrent writers through the same catalog: every append lands once.
        let writers = 4
        let each = 3
        let base = try await catalog.loadTable(id)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let t = base.copy()
                    for k in 0..<each { try await t.append([Row(id: Int64(100 + w * 10 + k), name: "w\(w)")]) }
                }
            }
            try await group.waitForAll()
        }
        let final = try await catalog.loadTable(id)
        XCTAssertEqual(final.metadata.snapshots.count, 2 + writers * each, catalog.name)
        let ids = try await final.scan().rows().compactMap { $0["id"]?.intValue }
        var expected: [Int64] = [0, 1]
        for w in 0..<writers { for k in 0..<each { expected.append(Int64(100 + w * 10 + k)) } }
        XCTAssertEqual(ids.sorted(), expected.sorted(), catalog.name)
        XCTAssertNil(final.metadata.property("stale"), catalog.name)
        try await catalog.dropTable(id, purge: true)
        try await catalog.dropNamespace(ns)
    }

    func staging() async throws {
        let ns = Namespace(["conf_staged"])
        try await catalog.createNamespace(ns, properties: [])
        let id = TableIdentifier(namespace: ns, name: "staged")
        guard stagedCreate else {
            await expectError("a staged create", { if case .unsupported = $0 { return true } else { return false } }) {
                _ = try await catalog.stageCreateTable(id, TableCreation(schema: Self.schema))
            }
            try await catalog.dropNamespace(ns)
            return
        }
        let staged = try await catalog.stageCreateTable(
            id, TableCreation(schema: Self.schema, properties: [("staged", "true")]))
        let early = try await catalog.tableExists(id)
        XCTAssertFalse(early, "\(catalog.name): a staged table does not exist before its commit")
        let created = try await catalog.commitTable(id, requirements: [.assertCreate], updates: staged.creationUpdates)
        XCTAssertEqual(created.metadata.property("staged"), "true", catalog.name)
        await expectError(
            "committing a staged create twice",
            {
                if case .commitConflict = $0 { return true }
                if case .tableAlreadyExists = $0 { return true }
                return false
            }
        ) {
            _ = try await catalog.commitTable(id, requirements: [.assertCreate], updates: staged.creationUpdates)
        }
        try await catalog.dropTable(id, purge: true)
        try await catalog.dropNamespace(ns)
    }

    func transactions() async throws {
        guard catalog.supportsTransactions else { return }
        let ns = Namespace(["conf_txn"])
        try await catalog.createNamespace(ns, properties: [])
        let a = TableIdentifier(namespace: ns, name: "a")
        let b = TableIdentifier(namespace: ns, name: "b")
        let ta = try await catalog.createTable(a, TableCreation(schema: Self.schema))
        let tb = try await catalog.createTable(b, TableCreation(schema: Self.schema))
        _ = try await catalog.commitTransaction([
            TableCommit(
                identifier: a, requirements: [.assertTableUUID(ta.metadata.tableUUID)],
                updates: [.setProperties([("txn", "1")])]),
            TableCommit(
                identifier: b, requirements: [.assertTableUUID(tb.metadata.tableUUID)],
                updates: [.setProperties([("txn", "1")])]),
        ])
        // One failing requirement: neither table changes.
        await expectError(
            "a transaction with a failing requirement",
            { if case .commitConflict = $0 { return true } else { return false } }
        ) {
            _ = try await catalog.commitTransaction([
                TableCommit(identifier: a, requirements: [], updates: [.setProperties([("txn", "2")])]),
                TableCommit(
                    identifier: b, requirements: [.assertTableUUID("not-the-uuid")],
                    updates: [.setProperties([("txn", "2")])]),
            ])
        }
        for id in [a, b] {
            let t = try await catalog.loadTable(id)
            XCTAssertEqual(t.metadata.property("txn"), "1", "\(catalog.name) \(id)")
            try await catalog.dropTable(id, purge: true)
        }
        try await catalog.dropNamespace(ns)
    }

    /// `MultiTableTransaction`: appends and a property change to two tables land together;
    /// one that lost a race to a commit on one table retries and lands on the refreshed
    /// tables; one whose action fails validation changes neither table; catalogs without
    /// atomic multi-table commits refuse before writing anything.
    func multiTableTransactions() async throws {
        let ns = Namespace(["conf_mtx"])
        try await catalog.createNamespace(ns, properties: [])
        let a = try await catalog.createTable(
            TableIdentifier(namespace: ns, name: "a"), TableCreation(schema: Self.schema))
        let b = try await catalog.createTable(
            TableIdentifier(namespace: ns, name: "b"), TableCreation(schema: Self.schema))
        func ids(_ t: Table) async throws -> [Int64] {
            try await catalog.loadTable(t.identifier).scan().rows().compactMap { $0["id"]?.intValue }.sorted()
        }
        var ta = a.newTransaction()
        ta.append([Row(id: 1, name: "a1")])
        var tb = b.newTransaction()
        tb.append([Row(id: 10, name: "b10")])
        tb.updateProperties(set: [("mtx", "1")])
        guard catalog.supportsTransactions else {
            await expectError(
                "a multi-table transaction", { if case .unsupported = $0 { return true } else { return false } }
            ) { try await MultiTableTransaction([ta, tb]).commit() }
            let untouched = try await catalog.loadTable(b.identifier)
            XCTAssertNil(untouched.currentSnapshot, catalog.name)
            for t in [a, b] { try await catalog.dropTable(t.identifier, purge: true) }
            try await catalog.dropNamespace(ns)
            return
        }
        let committed = try await MultiTableTransaction([ta, tb]).commit()
        XCTAssertEqual(committed.map(\.identifier), [a.identifier, b.identifier], catalog.name)
        XCTAssertEqual(b.metadata.property("mtx"), "1", "\(catalog.name): the started-on handle holds the commit")
        let afterFirst = try await (ids(a), ids(b))
        XCTAssertEqual(afterFirst.0, [1], catalog.name)
        XCTAssertEqual(afterFirst.1, [10], catalog.name)

        // Started before a racing append to b landed: refreshed, applied again, lands.
        let staleA = try await catalog.loadTable(a.identifier)
        let staleB = try await catalog.loadTable(b.identifier)
        var sa = staleA.newTransaction()
        sa.append([Row(id: 2, name: "a2")])
        var sb = staleB.newTransaction()
        sb.append([Row(id: 11, name: "b11")])
        let racer = try await catalog.loadTable(b.identifier)
        try await racer.append([Row(id: 12, name: "racer")])
        try await MultiTableTransaction([sa, sb]).commit()
        let afterRace = try await (ids(a), ids(b))
        XCTAssertEqual(afterRace.0, [1, 2], catalog.name)
        XCTAssertEqual(afterRace.1, [10, 11, 12], catalog.name)

        // One table's action fails validation: neither table changes.
        let beforeA = try await catalog.loadTable(a.identifier)
        let beforeB = try await catalog.loadTable(b.identifier)
        var fa = beforeA.newTransaction()
        fa.append([Row(id: 3, name: "never")])
        var fb = beforeB.newTransaction()
        fb.add(RefusingAction())
        await expectError(
            "a transaction with a failing action",
            { if case .validationFailed = $0 { return true } else { return false } }
        ) { try await MultiTableTransaction([fa, fb]).commit() }
        let afterFailure = try await (catalog.loadTable(a.identifier), catalog.loadTable(b.identifier))
        XCTAssertEqual(afterFailure.0.metadataLocation, beforeA.metadataLocation, catalog.name)
        XCTAssertEqual(afterFailure.1.metadataLocation, beforeB.metadataLocation, catalog.name)
        let dataFiles = try await afterFailure.0.scan().planFiles().map(\.file.filePath)
        XCTAssertEqual(dataFiles.count, 2, catalog.name)
        for t in [a, b] { try await catalog.dropTable(t.identifier, purge: true) }
        try await catalog.dropNamespace(ns)
    }
}

/// An action that always fails validation (after an append in the same commit wrote files).
struct RefusingAction: TableAction {
    func apply(to changes: inout PendingChanges) async throws {
        throw CatalogError.validationFailed("refused by the test")
    }
}
