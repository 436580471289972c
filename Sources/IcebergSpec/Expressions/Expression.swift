import JSONSupport

/// Predicate operators.
public enum PredicateOperator: String, Sendable, Hashable {
    case isNull = "is-null"
    case notNull = "not-null"
    case isNaN = "is-nan"
    case notNaN = "not-nan"
    case lessThan = "lt"
    case lessThanOrEqual = "lt-eq"
    case greaterThan = "gt"
    case greaterThanOrEqual = "gt-eq"
    case equal = "eq"
    case notEqual = "not-eq"
    case `in` = "in"
    case notIn = "not-in"
    case startsWith = "starts-with"
    case notStartsWith = "not-starts-with"

    /// The operator for `not (column op value)`.
    var negated: PredicateOperator {
        switch self {
        case .isNull: .notNull
        case .notNull: .isNull
        case .isNaN: .notNaN
        case .notNaN: .isNaN
        case .lessThan: .greaterThanOrEqual
        case .lessThanOrEqual: .greaterThan
        case .greaterThan: .lessThanOrEqual
        case .greaterThanOrEqual: .lessThan
        case .equal: .notEqual
        case .notEqual: .equal
        case .in: .notIn
        case .notIn: .in
        case .startsWith: .notStartsWith
        case .notStartsWith: .startsWith
        }
    }
}

/// A row filter over column names (unbound), as users write it.
public indirect enum Expression: Sendable, Hashable {
    /// Matches every row.
    case alwaysTrue
    /// Matches no row.
    case alwaysFalse
    /// Both.
    case and(Expression, Expression)
    /// Either.
    case or(Expression, Expression)
    /// Negation.
    case not(Expression)
    /// A predicate on one column with zero, one or several JSON literals.
    case predicate(PredicateOperator, column: String, values: [JSONValue])

    /// Pushes negations down to predicates.
    public var withoutNot: Expression {
        switch self {
        case .not(let e):
            switch e {
            case .alwaysTrue: return .alwaysFalse
            case .alwaysFalse: return .alwaysTrue
            case .and(let a, let b): return .or(Expression.not(a).withoutNot, Expression.not(b).withoutNot)
            case .or(let a, let b): return .and(Expression.not(a).withoutNot, Expression.not(b).withoutNot)
            case .not(let inner): return inner.withoutNot
            case .predicate(let op, let c, let v): return .predicate(op.negated, column: c, values: v)
            }
        case .and(let a, let b): return .and(a.withoutNot, b.withoutNot)
        case .or(let a, let b): return .or(a.withoutNot, b.withoutNot)
        default: return self
        }
    }

    /// Binds column names and literals to a schema.
    public func bind(_ schema: Schema) throws -> BoundExpression {
        switch withoutNot {
        case .alwaysTrue: return .alwaysTrue
        case .alwaysFalse: return .alwaysFalse
        case .and(let a, let b): return .and(try a.bind(schema), try b.bind(schema))
        case .or(let a, let b): return .or(try a.bind(schema), try b.bind(schema))
        case .not: preconditionFailure("negations were pushed down")
        case .predicate(let op, let column, let values):
            guard let field = schema.field(at: column) else {
                throw IcebergError.invalidValue(row: nil, field: column, detail: "no such column in the filter")
            }
            guard field.type.isPrimitive || op == .isNull || op == .notNull else {
                throw IcebergError.invalidValue(
                    row: nil, field: column, detail: "only 'is null' and 'is not null' apply to nested columns")
            }
            let literals: [Literal] = try values.map { v in
                do {
                    guard let l = try Literal.from(json: v, type: field.type) else {
                        throw IcebergError.invalidValue(row: nil, field: column, detail: "null literal; use 'is null'")
                    }
                    return l
                } catch let IcebergError.invalidValue(_, _, detail) {
                    throw IcebergError.invalidValue(row: nil, field: column, detail: "filter value: \(detail)")
                }
            }
            if (op == .isNaN || op == .notNaN) && field.type != .float && field.type != .double {
                // NaN tests on non-float columns are constant.
                return op == .isNaN ? .alwaysFalse : .notNull(field.id, field.type)
            }
            return .predicate(BoundPredicate(op: op, fieldId: field.id, type: field.type, literals: literals))
        }
    }
}

/// A predicate bound to a field id and type.
public struct BoundPredicate: Sendable, Hashable {
    /// The operator.
    public var op: PredicateOperator
    /// The column's field id.
    public var fieldId: Int
    /// The column's type.
    public var type: IcebergType
    /// The literals (converted to the column's type).
    public var literals: [Literal]

    /// Evaluates the predicate on a value (nil is null).
    public func test(_ value: Literal?) -> Bool {
        switch op {
        case .isNull: return value == nil
        case .notNull: return value != nil
        case .isNaN: return value.map(Self.isNaN) ?? false
        case .notNaN: return !(value.map(Self.isNaN) ?? false)
        default: break
        }
        // SQL semantics, as engines filter rows (PyIceberg through Arrow, Spark, Trino): a
        // comparison with null is unknown, so the row does not match. Negations were pushed
        // into the operators, so `not (c = x)` excludes nulls too.
        guard let v = value else { return false }
        func cmp(_ l: Literal) -> Int? { Literal.compare(v, l) }
        switch op {
        case .lessThan: return (cmp(literals[0]) ?? 0) < 0 && cmp(literals[0]) != nil
        case .lessThanOrEqual: return cmp(literals[0]).map { $0 <= 0 } ?? false
        case .greaterThan: return cmp(literals[0]).map { $0 > 0 } ?? false
        case .greaterThanOrEqual: return cmp(literals[0]).map { $0 >= 0 } ?? false
        case .equal: return cmp(literals[0]) == 0
        case .notEqual: return cmp(literals[0]) != 0
        case .in: return literals.contains { cmp($0) == 0 }
        case .notIn: return !literals.contains { cmp($0) == 0 }
        case .startsWith, .notStartsWith:
            let starts: Bool
            switch (v, literals[0]) {
            case (.string(let s), .string(let p)): starts = s.utf8.starts(with: p.utf8)
            case (.bytes(let s), .bytes(let p)): starts = s.starts(with: p)
            default: starts = false
            }
            return op == .startsWith ? starts : !starts
        default: return false
        }
    }

    package static func isNaN(_ l: Literal) -> Bool {
        switch l {
        case .double(let d): return d.isNaN
        case .float(let f): return f.isNaN
        default: return false
        }
    }
}

/// A filter bound to a schema.
public indirect enum BoundExpression: Sendable, Hashable {
    /// Matches everything.
    case alwaysTrue
    /// Matches nothing.
    case alwaysFalse
    /// Both.
    case and(BoundExpression, BoundExpression)
    /// Either.
    case or(BoundExpression, BoundExpression)
    /// A bound predicate.
    case predicate(BoundPredicate)

    static func notNull(_ id: Int, _ type: IcebergType) -> BoundExpression {
        .predicate(BoundPredicate(op: .notNull, fieldId: id, type: type, literals: []))
    }

    /// Evaluates on a row given as a lookup from field id to value.
    public func evaluate(_ value: (Int) -> Literal?) -> Bool {
        switch self {
        case .alwaysTrue: return true
        case .alwaysFalse: return false
        case .and(let a, let b): return a.evaluate(value) && b.evaluate(value)
        case .or(let a, let b): return a.evaluate(value) || b.evaluate(value)
        case .predicate(let p): return p.test(value(p.fieldId))
        }
    }

    /// All field ids referenced.
    public var fieldIds: Set<Int> {
        switch self {
        case .alwaysTrue, .alwaysFalse: return []
        case .and(let a, let b), .or(let a, let b): return a.fieldIds.union(b.fieldIds)
        case .predicate(let p): return [p.fieldId]
        }
    }
}
