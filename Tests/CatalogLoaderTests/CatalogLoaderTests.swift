import Foundation
import Iceberg
import IcebergCatalogLoader
import TestSupport
import XCTest

/// PyIceberg's configuration rules (file search, environment variables, key normalization,
/// case-insensitivity), the errors for bad settings, and loading catalogs from them.
final class CatalogLoaderTests: XCTestCase {
    private func directory() throws -> URL { try makeTemporaryDirectory(self, prefix: "loader") }

    func testYAMLThenEnvironmentAsPyIcebergMergesThem() throws {
        let dir = try directory()
        try """
        default-catalog: Prod
        max-workers: 4
        catalog:
          PROD:
            URI: http://127.0.0.1:8181
            rest-page-size: 50
            s3.endpoint: http://minio:9000
          dev:
            type: in-memory
        """.write(toFile: dir.appendingPathComponent(".pyiceberg.yaml").path, atomically: true, encoding: .utf8)
        let env = [
            "PYICEBERG_HOME": dir.path, "PYICEBERG_CATALOG__PROD__S3__ACCESS_KEY_ID": "AKID",
            "pyiceberg_catalog__prod__uri": "http://127.0.0.1:9999", "PYICEBERG_CATALOG__NEW__TYPE": "in-memory",
            "PYICEBERG_MAX_WORKERS": "8",
        ]
        let config = try PyIcebergConfiguration.load(
            environment: env, homeDirectory: "/nonexistent", currentDirectory: "/nonexistent")
        XCTAssertEqual(config.file, dir.appendingPathComponent(".pyiceberg.yaml").path)
        XCTAssertEqual(config.defaultCatalog, "Prod")
        XCTAssertEqual(
            config.catalog(named: "prod"),
            [
                "uri": "http://127.0.0.1:9999", "rest-page-size": "50", "s3.endpoint": "http://minio:9000",
                "s3.access-key-id": "AKID",
            ], "keys lower-cased, the environment wins, __ is a dot and _ a dash")
        XCTAssertEqual(config.catalog(named: "DEV"), ["type": "in-memory"])
        XCTAssertEqual(config.catalog(named: "new"), ["type": "in-memory"])
    }

    func testFileSearchOrderIsHomeVariableThenHomeThenCurrentFolder() throws {
        let a = try directory()
        let b = try directory()
        let c = try directory()
        for (dir, name) in [(b, "from-home"), (c, "from-cwd")] {
            try "catalog:\n  \(name):\n    type: in-memory\n".write(
                toFile: dir.appendingPathComponent(".pyiceberg.yaml").path, atomically: true, encoding: .utf8)
        }
        let home = try PyIcebergConfiguration.load(
            environment: ["PYICEBERG_HOME": a.path], homeDirectory: b.path, currentDirectory: c.path)
        XCTAssertEqual(
            Array(home.catalogs.keys), ["from-home"], "PYICEBERG_HOME has no file: the home folder's is used")
        let cwd = try PyIcebergConfiguration.load(environment: [:], homeDirectory: a.path, currentDirectory: c.path)
        XCTAssertEqual(Array(cwd.catalogs.keys), ["from-cwd"])
    }

    func testBadSettingsNameTheFileCatalogAndKey() async throws {
        let dir = try directory()
        let file = dir.appendingPathComponent(".pyiceberg.yaml").path
        func loader() -> CatalogLoader {
            CatalogLoader(
                environment: ["PYICEBERG_HOME": dir.path], homeDirectory: "/nonexistent", currentDirectory: dir.path)
        }
        func expect(_ yaml: String, _ name: String, _ message: String) async throws {
            try yaml.write(toFile: file, atomically: true, encoding: .utf8)
            do {
                _ = try await loader().load(name)
                XCTFail("expected an error for \(yaml)")
            } catch let error as CatalogLoaderError {
                XCTAssertEqual(error.message, message)
            }
        }
        try await expect(
            "catalog:\n  prod:\n    type: sql\n    uri: sqlite:///x.db\n    colour: blue\n", "prod",
            "\(file), catalog 'prod': unknown key 'colour'")
        try await expect(
            "catalog:\n  prod:\n    type: hive\n    uri: thrift://h:9083\n", "prod",
            "\(file), catalog 'prod': unknown type 'hive' (expected sql, glue, rest or in-memory)")
        try await expect(
            "catalog:\n  prod:\n    warehouse: /tmp/w\n", "prod",
            "\(file), catalog 'prod': no 'type', and no 'uri' to infer it from")
        try await expect(
            "catalog:\n  prod:\n    uri: postgresql://db/iceberg\n", "prod",
            "\(file), catalog 'prod': uri 'postgresql://db/iceberg': only SQLite catalogs (sqlite:///PATH) are supported"
        )
        try await expect(
            "catalog:\n  prod:\n    type: glue\n", "prod",
            "\(file), catalog 'prod': a glue catalog needs 'warehouse: s3://BUCKET/PREFIX' for new tables")
        try await expect(
            "catalog:\n  prod:\n    s3:\n      endpoint: x\n", "prod",
            "\(file): catalog 'prod', key 's3': expected a single value")
        try await expect("catalog: [1, 2]\n", "prod", "\(file): catalog must map names to settings")
        try await expect(
            "default-catalog: missing\ncatalog:\n  prod:\n    type: in-memory\n", "missing",
            "\(file): default-catalog 'missing' is not configured")
        try await expect(
            "catalog:\n  prod:\n    type: in-memory\n", "nothing-like-this",
            "unknown catalog 'nothing-like-this': not a catalog of the PyIceberg configuration, nor a URI (sqlite:PATH?warehouse=DIR, s3tables:ARN, glue[:ID]?warehouse=s3://…, rest+http(s)://…, s3tables-rest:ARN, glue-rest:ID)"
        )
        try "catalog:\n  prod: [unclosed\n".write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try await loader().load("prod")
            XCTFail("malformed YAML")
        } catch let error as CatalogLoaderError {
            XCTAssertTrue(error.message.hasPrefix("\(file): not valid YAML"), error.message)
        }
    }

    func testSQLAndInMemoryCatalogsFromProperties() async throws {
        let dir = try directory()
        let loader = CatalogLoader(environment: [:], homeDirectory: "/nonexistent", currentDirectory: dir.path)
        let sql = try await loader.load(
            name: "prod", properties: ["uri": "sqlite:///catalog/prod.db", "warehouse": "file://\(dir.path)/wh"])
        XCTAssertEqual(sql.name, "prod", "PyIceberg's catalog_name is the configured name")
        try await sql.createNamespace(Namespace(["a"]), properties: [])
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("catalog/prod.db").path),
            "relative to the current folder")
        let schema = try Schema(fields: [.required(1, "id", .long)])
        let created = try await sql.createTable(try TableIdentifier(parsing: "a.t"), TableCreation(schema: schema))
        XCTAssertTrue(created.metadata.location.hasPrefix("\(dir.path)/wh/"), created.metadata.location)

        let memory = try await loader.load(
            name: "scratch", properties: ["type": "in-memory", "warehouse": dir.path + "/mem"])
        try await memory.createNamespace(Namespace(["m"]), properties: [])
        let namespaces = try await memory.listNamespaces(parent: nil)
        XCTAssertEqual(namespaces, [Namespace(["m"])])
    }

    func testURIsStillOpenWithoutAConfiguration() async throws {
        let dir = try directory()
        let loader = CatalogLoader(environment: [:], homeDirectory: "/nonexistent", currentDirectory: dir.path)
        let catalog = try await loader.load("sqlite:local/catalog.db?warehouse=local/wh&name=mine")
        XCTAssertEqual(catalog.name, "mine")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("local/wh").path))
        let fallback = try await CatalogLoader(
            environment: ["ICEBERG_CATALOG": "sqlite:env/catalog.db"], homeDirectory: "/nonexistent",
            currentDirectory: dir.path
        ).load()
        XCTAssertEqual(fallback.name, "default")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("env/catalog.db").path))
        do {
            _ = try await loader.load("glue?warehouse=/local")
            XCTFail("glue needs s3")
        } catch let error as CatalogLoaderError {
            XCTAssertEqual(
                error.message, "glue catalogs need a warehouse: glue[:CATALOG_ID]?warehouse=s3://BUCKET/PREFIX")
        }
    }

    /// Each kind is declared once and found by its URI scheme or its PyIceberg type; a second
    /// kind claiming a taken scheme or type is refused; a kind added to a registry opens.
    func testTheRegistryFindsEachKindByItsSchemeAndType() async throws {
        let registry = CatalogRegistry.builtIn
        let schemes = [
            ("sqlite", "sqlite"), ("s3tables", "s3tables"), ("glue", "glue"), ("rest+http", "rest"),
            ("rest+https", "rest"), ("s3tables-rest", "s3tables-rest"), ("glue-rest", "glue-rest"),
        ]
        for (scheme, kind) in schemes { XCTAssertEqual(registry.kind(forScheme: scheme)?.name, kind, scheme) }
        for (type, kind) in [("sql", "sqlite"), ("REST", "rest"), ("glue", "glue"), ("in-memory", "in-memory")] {
            XCTAssertEqual(registry.kind(forType: type)?.name, kind, type)
        }
        XCTAssertNil(registry.kind(forScheme: "hive"))
        XCTAssertTrue(registry.knows(key: "header.X-Tenant"))
        XCTAssertTrue(registry.knows(key: "s3.endpoint"))
        XCTAssertFalse(registry.knows(key: "colour"))
        XCTAssertThrowsError(try CatalogRegistry([.sqlite, CatalogKind(name: "other", uriSchemes: ["sqlite"])]))
        XCTAssertThrowsError(try CatalogRegistry([.sqlite, CatalogKind(name: "other", types: ["sql"])]))

        let dir = try directory()
        var custom = registry
        try custom.register(
            CatalogKind(
                name: "scratch", uriSchemes: ["scratch"], uriForms: ["scratch:NAME"],
                openURI: { uri, loader in
                    InMemoryCatalog(
                        name: uri.body, warehouse: loader.currentDirectory, io: LocalFileIO(),
                        store: InMemoryPointerStore())
                }))
        let loader = CatalogLoader(
            environment: [:], homeDirectory: "/nonexistent", currentDirectory: dir.path, registry: custom)
        let opened = try await loader.load(uri: "scratch:tmp")
        XCTAssertEqual(opened.name, "tmp")
        let uri = CatalogURI("rest+https://host:8181/p?warehouse=w&x=1")
        XCTAssertEqual(uri.scheme, "rest+https")
        XCTAssertEqual(uri.body, "//host:8181/p")
        XCTAssertEqual(uri.queryValue("warehouse"), "w")
        XCTAssertEqual(CatalogURI("glue?warehouse=s3://b/p").scheme, "glue")
        XCTAssertEqual(
            CatalogURI("s3tables:arn:aws:s3tables:us-east-1:1:bucket/b").body, "arn:aws:s3tables:us-east-1:1:bucket/b")
    }
}
