import AWSTransport
import HTTPSupport
import Iceberg
import JSONSupport

/// Amazon S3 Tables' own maintenance, run by the service: a table's compaction and snapshot
/// management settings, their jobs' status, and the table bucket's unreferenced-file removal
/// (`GetTableMaintenanceConfiguration`, `PutTableMaintenanceConfiguration`,
/// `GetTableMaintenanceJobStatus`, `GetTableBucketMaintenanceConfiguration`,
/// `PutTableBucketMaintenanceConfiguration`). `iceberg maintain` runs the same policy on
/// tables of any other catalog.
public struct S3TablesMaintenance: Sendable {
    /// The table bucket.
    public let tableBucketARN: String
    /// The `s3tables` control-plane client.
    public let client: AWSServiceClient

    /// Maintenance of the tables of a bucket.
    public init(tableBucketARN: String, client: AWSServiceClient) {
        self.tableBucketARN = tableBucketARN
        self.client = client
    }

    /// One setting to change: the configuration type and its value.
    public struct Setting: Sendable, Equatable {
        /// `icebergCompaction`, `icebergSnapshotManagement` or `icebergUnreferencedFileRemoval`.
        public var type: String
        /// `{"status": "enabled"|"disabled", "settings": {type: {…}}}`.
        public var value: JSONValue

        /// Compaction of a table: on or off, the target file size (64–512 MB) and the strategy.
        public static func compaction(enabled: Bool, targetFileSizeMB: Int? = nil, strategy: CompactionStrategy? = nil)
            -> Setting
        {
            var fields: [(String, JSONValue)] = []
            if let targetFileSizeMB { fields.append(("targetFileSizeMB", .int(Int64(targetFileSizeMB)))) }
            if let strategy { fields.append(("strategy", .string(strategy.rawValue))) }
            return Setting(type: "icebergCompaction", enabled: enabled, fields: fields)
        }

        /// Snapshot management of a table: on or off, snapshots kept, their maximum age.
        public static func snapshotManagement(
            enabled: Bool, minSnapshotsToKeep: Int? = nil, maxSnapshotAgeHours: Int? = nil
        ) -> Setting {
            var fields: [(String, JSONValue)] = []
            if let minSnapshotsToKeep { fields.append(("minSnapshotsToKeep", .int(Int64(minSnapshotsToKeep)))) }
            if let maxSnapshotAgeHours { fields.append(("maxSnapshotAgeHours", .int(Int64(maxSnapshotAgeHours)))) }
            return Setting(type: "icebergSnapshotManagement", enabled: enabled, fields: fields)
        }

        /// Unreferenced-file removal of a table bucket: on or off, days unreferenced before a
        /// file is noncurrent, days noncurrent before it is deleted.
        public static func unreferencedFileRemoval(
            enabled: Bool, unreferencedDays: Int? = nil, nonCurrentDays: Int? = nil
        ) -> Setting {
            var fields: [(String, JSONValue)] = []
            if let unreferencedDays { fields.append(("unreferencedDays", .int(Int64(unreferencedDays)))) }
            if let nonCurrentDays { fields.append(("nonCurrentDays", .int(Int64(nonCurrentDays)))) }
            return Setting(type: "icebergUnreferencedFileRemoval", enabled: enabled, fields: fields)
        }

        private init(type: String, enabled: Bool, fields: [(String, JSONValue)]) {
            self.type = type
            var value: [(String, JSONValue)] = [("status", .string(enabled ? "enabled" : "disabled"))]
            if !fields.isEmpty { value.append(("settings", .object([(type, .object(fields))]))) }
            self.value = .object(value)
        }
    }

    /// An operation's HTTP method, path and JSON body (what `send` signs and sends).
    public struct Call: Sendable {
        /// The operation's name.
        public var operation: String
        /// `GET` or `PUT`.
        public var method: String
        /// The path, labels percent-encoded.
        public var path: String
        /// The JSON body (nil: none).
        public var body: JSONValue?
    }

    /// `GetTableMaintenanceConfiguration` of a table.
    public func getTableConfiguration(_ table: TableIdentifier) throws -> Call {
        Call(
            operation: "GetTableMaintenanceConfiguration", method: "GET", path: try tablePath(table, "/maintenance"),
            body: nil)
    }

    /// `PutTableMaintenanceConfiguration` of one setting of a table.
    public func putTableConfiguration(_ table: TableIdentifier, _ setting: Setting) throws -> Call {
        guard setting.type != "icebergUnreferencedFileRemoval" else {
            throw CatalogError.invalidArgument("unreferenced-file removal is set on the table bucket, not on a table")
        }
        return Call(
            operation: "PutTableMaintenanceConfiguration", method: "PUT",
            path: try tablePath(table, "/maintenance/\(setting.type)"), body: .object([("value", setting.value)]))
    }

    /// `GetTableMaintenanceJobStatus` of a table.
    public func getJobStatus(_ table: TableIdentifier) throws -> Call {
        Call(
            operation: "GetTableMaintenanceJobStatus", method: "GET",
            path: try tablePath(table, "/maintenance-job-status"), body: nil)
    }

    /// `GetTableBucketMaintenanceConfiguration`.
    public func getBucketConfiguration() -> Call {
        Call(
            operation: "GetTableBucketMaintenanceConfiguration", method: "GET", path: bucketPath("/maintenance"),
            body: nil)
    }

    /// `PutTableBucketMaintenanceConfiguration` of unreferenced-file removal.
    public func putBucketConfiguration(_ setting: Setting) throws -> Call {
        guard setting.type == "icebergUnreferencedFileRemoval" else {
            throw CatalogError.invalidArgument("only unreferenced-file removal is set on a table bucket")
        }
        return Call(
            operation: "PutTableBucketMaintenanceConfiguration", method: "PUT",
            path: bucketPath("/maintenance/\(setting.type)"), body: .object([("value", setting.value)]))
    }

    /// Sends a call and returns the service's JSON answer (an empty object for a `PUT`).
    @discardableResult
    public func send(_ call: Call) async throws -> JSONValue {
        try await client.sendJSON(method: call.method, path: call.path, body: call.body, operation: call.operation)
    }

    private func bucketPath(_ suffix: String) -> String {
        "/buckets/\(HTTPRequest.pathSegment(tableBucketARN))\(suffix)"
    }

    private func tablePath(_ table: TableIdentifier, _ suffix: String) throws -> String {
        try S3TablesPointerStore.tablePath(bucketARN: tableBucketARN, table, suffix)
    }
}
