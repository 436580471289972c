import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import JSONSupport
import TestSupport
import XCTest

/// S3 Tables' maintenance API (moto does not implement it): each request we build has the
/// method, path and JSON body botocore's own serializer gives the same call (SigV4 signing of
/// such REST-JSON requests equals botocore's in `SigV4BotocoreTests`).
final class S3TablesMaintenanceTests: XCTestCase {
    func testRequestsEqualBotocores() throws {
        let arn = "arn:aws:s3tables:us-east-1:123456789012:bucket/my-table-bucket"
        let client = AWSServiceClient(
            signingName: "s3tables", region: "us-east-1", endpoint: try AWSEndpoint(url: "https://s3tables.example"),
            credentials: nil)
        let api = S3TablesMaintenance(tableBucketARN: arn, client: client)
        let table = TableIdentifier(namespace: Namespace(["sales_ns"]), name: "events")
        let location: [(String, JSONValue)] = [
            ("tableBucketARN", .string(arn)), ("namespace", .string("sales_ns")), ("name", .string("events")),
        ]
        let compaction = S3TablesMaintenance.Setting.compaction(
            enabled: true, targetFileSizeMB: 256, strategy: .binpack)
        let snapshots = S3TablesMaintenance.Setting.snapshotManagement(
            enabled: false, minSnapshotsToKeep: 3, maxSnapshotAgeHours: 48)
        let files = S3TablesMaintenance.Setting.unreferencedFileRemoval(
            enabled: true, unreferencedDays: 4, nonCurrentDays: 12)
        let cases: [(S3TablesMaintenance.Call, [(String, JSONValue)])] = [
            (try api.getTableConfiguration(table), location),
            (
                try api.putTableConfiguration(table, compaction),
                location + [("type", .string("icebergCompaction")), ("value", compaction.value)]
            ),
            (
                try api.putTableConfiguration(table, snapshots),
                location + [("type", .string("icebergSnapshotManagement")), ("value", snapshots.value)]
            ),
            (try api.getJobStatus(table), location),
            (api.getBucketConfiguration(), [("tableBucketARN", .string(arn))]),
            (
                try api.putBucketConfiguration(files),
                [
                    ("tableBucketARN", .string(arn)), ("type", .string("icebergUnreferencedFileRemoval")),
                    ("value", files.value),
                ]
            ),
        ]
        let input = JSONValue.array(
            cases.map { .object([("operation", .string($0.0.operation)), ("params", .object($0.1))]) })
        var out = Array(
            try PythonPeer.run(script: "aws_peer.py", ["serialize", "s3tables"], input: Data(input.serializedBytes())))
        let botocore = try JSONValue.parse(bytes: &out).arrayValue ?? []
        XCTAssertEqual(botocore.count, cases.count)
        for (i, (call, _)) in cases.enumerated() {
            let theirs = botocore[i]
            XCTAssertEqual(theirs["method"]?.stringValue, call.method, call.operation)
            XCTAssertEqual(theirs["path"]?.stringValue, call.path, call.operation)
            XCTAssertEqual(
                Self.canonical(theirs["body"] ?? .null), Self.canonical(call.body ?? .null), call.operation)
        }
        // Settings go where the API takes them.
        XCTAssertThrowsError(try api.putTableConfiguration(table, files))
        XCTAssertThrowsError(try api.putBucketConfiguration(compaction))
    }

    /// JSON with object keys sorted, for comparing bodies whatever their key order.
    static func canonical(_ v: JSONValue) -> String {
        func sorted(_ v: JSONValue) -> JSONValue {
            switch v {
            case .object(let pairs): return .object(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, sorted($0.1)) })
            case .array(let a): return .array(a.map(sorted))
            default: return v
            }
        }
        return sorted(v).serialized()
    }
}
