/// One field of a sort order named by column: a transform of the column, the direction and
/// where nulls go.
public struct SortTerm: Sendable, Hashable {
    /// The source column, a dotted path of struct field names.
    public var column: String
    /// Applied to the column before comparing.
    public var transform: Transform
    /// Ascending or descending.
    public var direction: SortDirection
    /// Null placement (default: first when ascending, last when descending, as Java).
    public var nullOrder: NullOrder

    /// A sort term.
    public init(
        _ column: String, transform: Transform = .identity, direction: SortDirection = .asc,
        nullOrder: NullOrder? = nil
    ) {
        self.column = column
        self.transform = transform
        self.direction = direction
        self.nullOrder = nullOrder ?? (direction == .asc ? .nullsFirst : .nullsLast)
    }

    /// The sort order of `terms` over `schema` (unsorted when empty): each column must exist
    /// and be a primitive outside lists and maps that the transform accepts.
    public static func resolve(_ terms: [SortTerm], in schema: Schema, orderId: Int, caseSensitive: Bool = true)
        throws -> SortOrder
    {
        let fields = try terms.map { t in
            let name = "\(t.transform)(\(t.column))"
            guard let column = schema.field(at: t.column, caseSensitive: caseSensitive) else {
                throw IcebergError.invalidSortOrder("'\(name)': column '\(t.column)' is not in the schema")
            }
            guard column.type.isPrimitive else {
                throw IcebergError.invalidSortOrder("'\(name)': only primitive columns sort, not \(column.type)")
            }
            if case .unknown(let u) = t.transform {
                throw IcebergError.invalidSortOrder("'\(name)': unknown transform '\(u)'")
            }
            guard t.transform.canTransform(column.type) else {
                throw IcebergError.invalidSortOrder("'\(name)': \(t.transform) cannot be applied to \(column.type)")
            }
            return SortField(
                sourceId: column.id, transform: t.transform, direction: t.direction, nullOrder: t.nullOrder)
        }
        return fields.isEmpty ? .unsorted : SortOrder(orderId: orderId, fields: fields)
    }
}

/// Replaces the table's default sort order (Java's `ReplaceSortOrder`). `TableWriter` sorts
/// the rows of each data file it writes by it and records its id in the files. An identical
/// earlier order is reused with its id; no terms make the table unsorted (order 0).
public struct ReplaceSortOrder: TableAction {
    /// The new order's fields, in priority order.
    public var terms: [SortTerm]
    /// Whether column names match ignoring case.
    public var caseSensitive = true

    /// A replacement by these terms.
    public init(_ terms: [SortTerm], caseSensitive: Bool = true) {
        self.terms = terms
        self.caseSensitive = caseSensitive
    }

    /// Records the new default order (nothing when it is already the default).
    public func apply(to changes: inout PendingChanges) async throws {
        let m = changes.metadata
        let next = max(1, (m.sortOrders.map(\.orderId).max() ?? 0) + 1)
        let order = try SortTerm.resolve(terms, in: m.currentSchema, orderId: next, caseSensitive: caseSensitive)
        guard order.fields != m.defaultSortOrder.fields else { return }
        if let same = m.sortOrders.first(where: { $0.fields == order.fields }) {
            try changes.apply(.setDefaultSortOrder(same.orderId))
        } else {
            try changes.apply(.addSortOrder(order))
            try changes.apply(.setDefaultSortOrder(-1))
        }
    }
}

extension Table {
    /// Replaces the sort order in one commit (see `ReplaceSortOrder`).
    public func replaceSortOrder(_ terms: [SortTerm]) async throws {
        var txn = newTransaction()
        txn.add(ReplaceSortOrder(terms))
        try await txn.commit()
    }
}
