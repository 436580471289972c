import Avro
import JSONSupport

/// What a content file holds.
public enum FileContent: Int32, Sendable, Hashable {
    /// Table rows.
    case data = 0
    /// Position deletes.
    case positionDeletes = 1
    /// Equality deletes.
    case equalityDeletes = 2
}

/// A data or delete file with its partition tuple and column metrics.
public struct DataFile: Sendable, Hashable {
    /// Content kind.
    public var content: FileContent = .data
    /// Full location.
    public var filePath: String
    /// `PARQUET`, `AVRO`, `ORC`.
    public var fileFormat: String = "PARQUET"
    /// Partition values in spec order.
    public var partition: [Literal?]
    /// Rows in the file.
    public var recordCount: Int64
    /// File size in bytes.
    public var fileSizeInBytes: Int64
    /// Bytes per column id.
    public var columnSizes: [Int: Int64] = [:]
    /// Values (including nulls and NaN) per column id.
    public var valueCounts: [Int: Int64] = [:]
    /// Nulls per column id.
    public var nullValueCounts: [Int: Int64] = [:]
    /// NaNs per column id.
    public var nanValueCounts: [Int: Int64] = [:]
    /// Lower bounds (single-value serialization) per column id.
    public var lowerBounds: [Int: [UInt8]] = [:]
    /// Upper bounds (single-value serialization) per column id.
    public var upperBounds: [Int: [UInt8]] = [:]
    /// Encryption key metadata.
    public var keyMetadata: [UInt8]? = nil
    /// Row group offsets.
    public var splitOffsets: [Int64]? = nil
    /// Equality delete field ids.
    public var equalityIds: [Int]? = nil
    /// Sort order id.
    public var sortOrderId: Int? = nil
    /// For position deletes: the one data file referenced (required for deletion vectors).
    public var referencedDataFile: String? = nil
    /// v3: the row id of the file's first row (nil: inherited from the manifest, or unassigned).
    public var firstRowId: Int64? = nil
    /// For deletion vectors: where the vector's blob starts in the Puffin file.
    public var contentOffset: Int64? = nil
    /// For deletion vectors: the blob's length.
    public var contentSizeInBytes: Int64? = nil

    /// Whether this is a deletion vector (a position delete blob in a Puffin file).
    public var isDeletionVector: Bool { content == .positionDeletes && fileFormat.uppercased() == "PUFFIN" }

    /// Creates a data file entry.
    public init(filePath: String, partition: [Literal?], recordCount: Int64, fileSizeInBytes: Int64) {
        self.filePath = filePath
        self.partition = partition
        self.recordCount = recordCount
        self.fileSizeInBytes = fileSizeInBytes
    }
}
