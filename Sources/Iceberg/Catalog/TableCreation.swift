/// Options for a new table.
public struct TableCreation: Sendable {
    /// The schema (field ids as given).
    public var schema: Schema
    /// The partition spec.
    public var spec: PartitionSpec = .unpartitioned
    /// The sort order.
    public var sortOrder: SortOrder = .unsorted
    /// Table properties.
    public var properties: [(String, String)] = []
    /// A location, or nil for the catalog's default.
    public var location: String? = nil
    /// Format version (2 by default).
    public var formatVersion: Int = 2

    /// Creates options. A `format-version` among `properties` sets the format version (as in
    /// Java, where it is a reserved property and not stored).
    public init(
        schema: Schema, spec: PartitionSpec = .unpartitioned, sortOrder: SortOrder = .unsorted,
        properties: [(String, String)] = [], location: String? = nil, formatVersion: Int = 2
    ) {
        self.schema = schema
        self.spec = spec
        self.sortOrder = sortOrder
        self.properties = properties.filter { $0.0 != "format-version" }
        self.location = location
        self.formatVersion =
            properties.last(where: { $0.0 == "format-version" }).flatMap { Int($0.1) } ?? formatVersion
    }
}

/// A table that is not created yet: its would-be metadata and the updates that create it.
public struct StagedTable: Sendable {
    /// The identifier.
    public var identifier: TableIdentifier
    /// The metadata the table would start with.
    public var metadata: TableMetadata
    /// Catalog-specific settings returned with the staged table (REST `config`).
    public var config: [(String, String)]

    /// Creates a staged table.
    public init(identifier: TableIdentifier, metadata: TableMetadata, config: [(String, String)] = []) {
        self.identifier = identifier
        self.metadata = metadata
        self.config = config
    }

    /// The updates that build `metadata` on an empty table, in the REST order.
    public var creationUpdates: [TableUpdate] { metadata.creationUpdates }
}
