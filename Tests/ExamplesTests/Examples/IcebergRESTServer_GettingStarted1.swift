// swift-format-ignore-file
// Block 1 of Sources/IcebergRESTServer/IcebergRESTServer.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergRESTServer
import Logging

func example_IcebergRESTServer_GettingStarted1() async throws {
// BEGIN BLOCK
let catalog = InMemoryCatalog(name: "mem", warehouse: "/tmp/iceberg-docs", io: LocalFileIO(), store: InMemoryPointerStore())
let server = RESTServer(service: RESTCatalogService(catalog: catalog), host: "127.0.0.1", port: 8181)
try await server.run(logger: Logger(label: "iceberg.serve"))
// END BLOCK
}
