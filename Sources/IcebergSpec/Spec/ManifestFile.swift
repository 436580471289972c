import Avro
import JSONSupport

/// Summary of one partition field over a manifest's files.
public struct FieldSummary: Sendable, Hashable {
    /// Any null value.
    public var containsNull: Bool
    /// Any NaN value.
    public var containsNaN: Bool?
    /// Lower bound (single-value serialization).
    public var lowerBound: [UInt8]?
    /// Upper bound.
    public var upperBound: [UInt8]?
}

/// An entry of a manifest list.
public struct ManifestFile: Sendable, Hashable {
    /// Manifest location.
    public var path: String
    /// Manifest size.
    public var length: Int64
    /// Partition spec of its files.
    public var partitionSpecId: Int
    /// Data or deletes.
    public var content: FileContent = .data
    /// Sequence number when added.
    public var sequenceNumber: Int64
    /// Smallest data sequence number of its live files.
    public var minSequenceNumber: Int64
    /// Snapshot that added it.
    public var addedSnapshotId: Int64
    /// Entry and row counts by status.
    public var addedFilesCount: Int32, existingFilesCount: Int32, deletedFilesCount: Int32
    /// Row counts by status.
    public var addedRowsCount: Int64, existingRowsCount: Int64, deletedRowsCount: Int64
    /// Per partition field summaries.
    public var partitions: [FieldSummary]?
    /// Encryption key metadata.
    public var keyMetadata: [UInt8]?
    /// v3, data manifests: the row id of the first row of its first file without one.
    public var firstRowId: Int64? = nil

    /// Creates a manifest-list entry.
    public init(
        path: String, length: Int64, partitionSpecId: Int, content: FileContent = .data, sequenceNumber: Int64,
        minSequenceNumber: Int64, addedSnapshotId: Int64, addedFilesCount: Int32, existingFilesCount: Int32,
        deletedFilesCount: Int32, addedRowsCount: Int64, existingRowsCount: Int64, deletedRowsCount: Int64,
        partitions: [FieldSummary]?, keyMetadata: [UInt8]?
    ) {
        self.path = path
        self.length = length
        self.partitionSpecId = partitionSpecId
        self.content = content
        self.sequenceNumber = sequenceNumber
        self.minSequenceNumber = minSequenceNumber
        self.addedSnapshotId = addedSnapshotId
        self.addedFilesCount = addedFilesCount
        self.existingFilesCount = existingFilesCount
        self.deletedFilesCount = deletedFilesCount
        self.addedRowsCount = addedRowsCount
        self.existingRowsCount = existingRowsCount
        self.deletedRowsCount = deletedRowsCount
        self.partitions = partitions
        self.keyMetadata = keyMetadata
    }
}
