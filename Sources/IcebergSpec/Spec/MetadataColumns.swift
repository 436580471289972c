/// Columns a scan can return beside the table's own, with the field ids the spec reserves.
public enum MetadataColumns {
    /// v3 row lineage: the row's id, stable across updates and compaction (`_row_id`).
    public static let rowId = NestedField.optional(2_147_483_540, "_row_id", .long)
    /// v3 row lineage: the sequence number of the commit that last changed the row.
    public static let lastUpdatedSequenceNumber = NestedField.optional(
        2_147_483_539, "_last_updated_sequence_number", .long)
    /// The row's position in its data file (`_pos`, any format version).
    public static let filePosition = NestedField.optional(2_147_483_645, "_pos", .long)
    /// The data file a position delete refers to (`file_path` of position-delete files).
    public static let deleteFilePath = NestedField.required(2_147_483_546, "file_path", .string)
    /// The position a position delete removes (`pos` of position-delete files).
    public static let deletePosition = NestedField.required(2_147_483_545, "pos", .long)
    /// Every metadata column a scan can select.
    public static let all = [rowId, lastUpdatedSequenceNumber, filePosition]

    /// The metadata column with a name, if any.
    public static func named(_ name: String) -> NestedField? { all.first { $0.name == name } }

    /// Whether a field id is one of the metadata columns.
    public static func contains(id: Int) -> Bool { all.contains { $0.id == id } }
}
