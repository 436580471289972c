/// Min/max/null statistics of a page or column chunk (`Statistics` in parquet.thrift).
public struct Statistics: Sendable, Hashable {
    /// Legacy max (signed ordering), kept when read.
    public var legacyMax: [UInt8]?
    /// Legacy min (signed ordering), kept when read.
    public var legacyMin: [UInt8]?
    /// Number of nulls.
    public var nullCount: Int64?
    /// Number of distinct values, when known.
    public var distinctCount: Int64?
    /// Max value in the column's sort order, PLAIN-encoded (without length prefix for binary).
    public var maxValue: [UInt8]?
    /// Min value in the column's sort order, PLAIN-encoded (without length prefix for binary).
    public var minValue: [UInt8]?
    /// Whether `maxValue` is the exact max (false when truncated).
    public var isMaxValueExact: Bool?
    /// Whether `minValue` is the exact min (false when truncated).
    public var isMinValueExact: Bool?

    /// Creates statistics.
    public init(
        nullCount: Int64? = nil, minValue: [UInt8]? = nil, maxValue: [UInt8]? = nil,
        isMinValueExact: Bool? = nil, isMaxValueExact: Bool? = nil, distinctCount: Int64? = nil
    ) {
        self.nullCount = nullCount
        self.minValue = minValue
        self.maxValue = maxValue
        self.isMinValueExact = isMinValueExact
        self.isMaxValueExact = isMaxValueExact
        self.distinctCount = distinctCount
    }
}

/// One node of the flattened schema (`SchemaElement` in parquet.thrift).
public struct SchemaElement: Sendable, Hashable {
    /// Physical type for leaves; nil for groups.
    public var type: PhysicalType?
    /// Byte width of FIXED_LEN_BYTE_ARRAY.
    public var typeLength: Int32?
    /// Repetition; nil only for the root.
    public var repetition: Repetition?
    /// Field name.
    public var name: String
    /// Number of children for groups.
    public var numChildren: Int32?
    /// Legacy annotation.
    public var convertedType: ConvertedType?
    /// Decimal scale (legacy).
    public var scale: Int32?
    /// Decimal precision (legacy).
    public var precision: Int32?
    /// Field id (Iceberg and other table formats).
    public var fieldId: Int32?
    /// Logical type annotation.
    public var logicalType: LogicalType?

    /// Creates a schema element.
    public init(
        name: String, type: PhysicalType? = nil, typeLength: Int32? = nil, repetition: Repetition? = nil,
        numChildren: Int32? = nil, convertedType: ConvertedType? = nil, scale: Int32? = nil,
        precision: Int32? = nil, fieldId: Int32? = nil, logicalType: LogicalType? = nil
    ) {
        self.name = name
        self.type = type
        self.typeLength = typeLength
        self.repetition = repetition
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldId = fieldId
        self.logicalType = logicalType
    }
}

/// A key/value pair in file or column metadata.
public struct KeyValue: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value, if any.
    public var value: String?
    /// Creates a pair.
    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// How many pages of a type/encoding a chunk holds (`PageEncodingStats`).
public struct PageEncodingStats: Sendable, Hashable {
    /// The page type.
    public var pageType: PageType
    /// The encoding of those pages.
    public var encoding: Encoding
    /// The page count.
    public var count: Int32
}

/// Metadata of one column chunk (`ColumnMetaData`).
public struct ColumnMetaData: Sendable, Hashable {
    /// Physical type.
    public var type: PhysicalType
    /// All encodings used in the chunk.
    public var encodings: [Encoding]
    /// Path from the root to the leaf.
    public var pathInSchema: [String]
    /// Compression codec.
    public var codec: CompressionKind
    /// Number of level entries (values including nulls).
    public var numValues: Int64
    /// Sum of uncompressed page sizes including headers.
    public var totalUncompressedSize: Int64
    /// Sum of compressed page sizes including headers.
    public var totalCompressedSize: Int64
    /// Optional metadata.
    public var keyValueMetadata: [KeyValue]?
    /// Offset of the first data page.
    public var dataPageOffset: Int64
    /// Offset of the index page (unused).
    public var indexPageOffset: Int64?
    /// Offset of the dictionary page, if any.
    public var dictionaryPageOffset: Int64?
    /// Chunk statistics.
    public var statistics: Statistics?
    /// Page counts by type and encoding.
    public var encodingStats: [PageEncodingStats]?
    /// Offset of a bloom filter.
    public var bloomFilterOffset: Int64?
    /// Length of the bloom filter.
    public var bloomFilterLength: Int32?
}

/// A column chunk within a row group (`ColumnChunk`).
public struct ColumnChunk: Sendable, Hashable {
    /// Path of an external file holding the chunk (unsupported when set).
    public var filePath: String?
    /// Deprecated offset of the metadata; writers set it to the chunk's first page.
    public var fileOffset: Int64
    /// Chunk metadata.
    public var metaData: ColumnMetaData?
    /// Offset of the offset index.
    public var offsetIndexOffset: Int64?
    /// Length of the offset index.
    public var offsetIndexLength: Int32?
    /// Offset of the column index.
    public var columnIndexOffset: Int64?
    /// Length of the column index.
    public var columnIndexLength: Int32?
}

/// A sorting column of a row group.
public struct SortingColumn: Sendable, Hashable {
    /// Leaf index.
    public var columnIndex: Int32
    /// Descending order.
    public var descending: Bool
    /// Nulls before values.
    public var nullsFirst: Bool
}

/// A horizontal slice of the file (`RowGroup`).
public struct RowGroup: Sendable, Hashable {
    /// One chunk per leaf column, in schema order.
    public var columns: [ColumnChunk]
    /// Total uncompressed bytes of all column data.
    public var totalByteSize: Int64
    /// Row count.
    public var numRows: Int64
    /// Sort order of the rows, if declared.
    public var sortingColumns: [SortingColumn]?
    /// Offset of the first page of the row group.
    public var fileOffset: Int64?
    /// Total compressed bytes.
    public var totalCompressedSize: Int64?
    /// Position of this row group in the file.
    public var ordinal: Int16?
}

/// The file footer (`FileMetaData`).
public struct FileMetaData: Sendable, Hashable {
    /// Format version (1 or 2).
    public var version: Int32
    /// Depth-first flattened schema; element 0 is the root.
    public var schema: [SchemaElement]
    /// Total row count.
    public var numRows: Int64
    /// The row groups.
    public var rowGroups: [RowGroup]
    /// File-level key/value metadata.
    public var keyValueMetadata: [KeyValue]?
    /// The writing application.
    public var createdBy: String?
    /// Per-leaf sort order (`true` = type-defined order).
    public var columnOrders: [Bool]?
}

/// Location of one page for the offset index.
public struct PageLocation: Sendable, Hashable {
    /// Offset of the page header in the file.
    public var offset: Int64
    /// Compressed size including the header.
    public var compressedPageSize: Int32
    /// Index of the first row of the page within the row group.
    public var firstRowIndex: Int64
}

/// Page locations of one column chunk (`OffsetIndex`).
public struct OffsetIndex: Sendable, Hashable {
    /// One location per data page.
    public var pageLocations: [PageLocation]
}

/// Per-page min/max of one column chunk (`ColumnIndex`).
public struct ColumnIndex: Sendable, Hashable {
    /// Whether each page holds only nulls.
    public var nullPages: [Bool]
    /// Per-page min (empty for null pages).
    public var minValues: [[UInt8]]
    /// Per-page max (empty for null pages).
    public var maxValues: [[UInt8]]
    /// Whether mins and maxes are ordered across pages.
    public var boundaryOrder: BoundaryOrder
    /// Per-page null counts.
    public var nullCounts: [Int64]?
}

/// Header of a data page v1.
public struct DataPageHeader: Sendable, Hashable {
    /// Number of level entries (including nulls).
    public var numValues: Int32
    /// Value encoding.
    public var encoding: Encoding
    /// Definition level encoding.
    public var definitionLevelEncoding: Encoding
    /// Repetition level encoding.
    public var repetitionLevelEncoding: Encoding
    /// Page statistics.
    public var statistics: Statistics?
}

/// Header of a data page v2.
public struct DataPageHeaderV2: Sendable, Hashable {
    /// Number of level entries.
    public var numValues: Int32
    /// Number of nulls.
    public var numNulls: Int32
    /// Number of rows (records).
    public var numRows: Int32
    /// Value encoding.
    public var encoding: Encoding
    /// Bytes of definition levels (uncompressed, first in the page).
    public var definitionLevelsByteLength: Int32
    /// Bytes of repetition levels (uncompressed, before definition levels).
    public var repetitionLevelsByteLength: Int32
    /// Whether the values section is compressed.
    public var isCompressed: Bool
    /// Page statistics.
    public var statistics: Statistics?
}

/// Header of a dictionary page.
public struct DictionaryPageHeader: Sendable, Hashable {
    /// Number of dictionary entries.
    public var numValues: Int32
    /// Encoding of the entries (PLAIN or PLAIN_DICTIONARY).
    public var encoding: Encoding
    /// Whether entries are sorted.
    public var isSorted: Bool?
}

/// A page header (`PageHeader`).
public struct PageHeader: Sendable, Hashable {
    /// Page kind.
    public var type: PageType
    /// Page size before compression (excluding the header).
    public var uncompressedPageSize: Int32
    /// Page size after compression (excluding the header).
    public var compressedPageSize: Int32
    /// Optional CRC32 of the page.
    public var crc: Int32?
    /// Set for data page v1.
    public var dataPageHeader: DataPageHeader?
    /// Set for dictionary pages.
    public var dictionaryPageHeader: DictionaryPageHeader?
    /// Set for data page v2.
    public var dataPageHeaderV2: DataPageHeaderV2?
}
