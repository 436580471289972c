import Avro
import JSONSupport

/// Status of a manifest entry.
public enum EntryStatus: Int32, Sendable, Hashable {
    /// Carried over from an earlier snapshot.
    case existing = 0
    /// Added by the manifest's snapshot.
    case added = 1
    /// Deleted by the manifest's snapshot.
    case deleted = 2
}

/// One row of a manifest.
public struct ManifestEntry: Sendable, Hashable {
    /// Entry status.
    public var status: EntryStatus
    /// Snapshot that added or deleted the file (inherited when nil).
    public var snapshotId: Int64?
    /// Data sequence number (inherited when nil and added).
    public var sequenceNumber: Int64?
    /// File sequence number (inherited when nil and added).
    public var fileSequenceNumber: Int64?
    /// The file.
    public var dataFile: DataFile

    /// Creates an entry.
    public init(
        status: EntryStatus, snapshotId: Int64?, sequenceNumber: Int64?, fileSequenceNumber: Int64?, dataFile: DataFile
    ) {
        self.status = status
        self.snapshotId = snapshotId
        self.sequenceNumber = sequenceNumber
        self.fileSequenceNumber = fileSequenceNumber
        self.dataFile = dataFile
    }
}
