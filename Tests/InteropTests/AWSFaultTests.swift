import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import JSONSupport
import TestSupport
import XCTest

/// Appends through a loopback proxy that injects 500s, 503 SlowDown, connection resets before
/// a request and resets after it took effect: every append lands exactly once or fails with a
/// clear error, and the table never points at a missing file.
final class AWSFaultTests: XCTestCase {
    func testAppendsSurviveInjectedFaults() async throws {
        let moto = try Moto(self, authenticated: false)
        let faultLog = try makeTemporaryDirectory(self).appendingPathComponent("faults.log").path
        let proxy = try LoopbackPeer(
            self, command: "fault-proxy", arguments: [String(moto.peer.port), "0.15", "42", faultLog])
        let direct = AWSSettings(environment: moto.environment)
        var faulty = moto.environment
        faulty["AWS_ENDPOINT_URL"] = proxy.endpoint
        let retry = AWSRetryPolicy(maxAttempts: 4, baseDelay: 0.02, maxBackoff: 0.2)
        let settings = AWSSettings(environment: faulty, retry: retry)

        let control = AWSServiceClient(
            signingName: "s3tables", region: "us-east-1", endpoint: try AWSEndpoint(url: moto.endpoint),
            credentials: StaticCredentialsProvider(moto.credentials))
        let arn = try await S3TablesPointerStore.createTableBucket(name: "faults", client: control)
        try await direct.s3FileIO().s3.createBucket("faulty-lake")
        let schema = try Schema(jsonText: AWSCatalogMotoTests.schema)

        let catalogs: [(String, any Catalog, any Catalog)] = [
            (
                "s3tables", try AWSCatalogs.s3Tables(tableBucketARN: arn, settings: settings),
                try AWSCatalogs.s3Tables(tableBucketARN: arn, settings: direct)
            ),
            (
                "glue", try AWSCatalogs.glue(warehouse: "s3://faulty-lake/wh", settings: settings),
                try AWSCatalogs.glue(warehouse: "s3://faulty-lake/wh", settings: direct)
            ),
        ]
        for (label, catalog, clean) in catalogs {
            let ns = Namespace(["faults"])
            try await clean.createNamespace(ns, properties: [])
            let id = TableIdentifier(namespace: ns, name: "events")
            _ = try await clean.createTable(
                id, TableCreation(schema: schema, spec: try SpecParsing.partitionSpec("day(ts)", schema: schema)))

            var landed: [Int64] = []
            var failures: [String] = []
            for batch in 0..<12 {
                let rows = TableFixtures.rows((batch * 10)..<(batch * 10 + 10))
                do {
                    try await TableFixtures.append(catalog, id, rows)
                    landed.append(Int64(batch))
                } catch {
                    let text = "\(error)"
                    failures.append(text)
                    XCTAssertFalse(text.isEmpty)
                    XCTAssertFalse(
                        text.contains(moto.credentials.secretAccessKey) && moto.credentials.secretAccessKey.count > 8,
                        text)
                }
            }
            // Every batch that reported success is there exactly once; failed ones at most once.
            let table = try await clean.loadTable(id)
            let rows = try await TableScan(metadata: table.metadata, io: table.io).rows()
            var perBatch: [Int64: Int] = [:]
            for r in rows { if let i = r["id"]?.intValue { perBatch[i / 10, default: 0] += 1 } }
            for b in landed { XCTAssertEqual(perBatch[b], 10, "\(label): batch \(b) landed once") }
            for (b, n) in perBatch { XCTAssertEqual(n, 10, "\(label): batch \(b) is whole and not duplicated") }
            XCTAssertGreaterThanOrEqual(landed.count, 6, "\(label): most appends land despite faults: \(failures)")

            // Nothing the table references is missing.
            for snapshot in table.metadata.snapshots {
                let exists = try await clean.io.exists(snapshot.manifestList)
                XCTAssertTrue(exists, "\(label): manifest list \(snapshot.manifestList)")
            }
            for task in try await TableScan(metadata: table.metadata, io: table.io).planFiles() {
                let exists = try await clean.io.exists(task.file.filePath)
                XCTAssertTrue(exists, "\(label): data file \(task.file.filePath)")
            }
        }
        // The proxy did inject faults of every kind, commits included.
        let faults = (try? String(contentsOfFile: faultLog, encoding: .utf8)) ?? ""
        for kind in ["500 ", "503 ", "reset-before ", "reset-after ", "500-after "] {
            XCTAssertTrue(faults.contains(kind), "no '\(kind)' fault injected:\n\(faults)")
        }
        XCTAssertTrue(
            faults.contains("metadata-location") || faults.contains("UpdateTable") || faults.contains("PUT /tables"),
            "no fault hit a commit request:\n\(faults)")
    }
}
