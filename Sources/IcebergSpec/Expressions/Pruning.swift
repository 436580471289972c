/// Inclusive projection of row filters onto partition values, and the evaluators that decide
/// which manifests and files may hold matching rows (never excluding one that could).
package enum Pruning {
    /// Projects a bound row filter onto a spec's partition fields (ids = partition field ids).
    package static func project(_ e: BoundExpression, _ spec: PartitionSpec, _ schema: Schema) -> BoundExpression {
        switch e {
        case .alwaysTrue, .alwaysFalse: return e
        case .and(let a, let b): return simplify(.and(project(a, spec, schema), project(b, spec, schema)))
        case .or(let a, let b): return simplify(.or(project(a, spec, schema), project(b, spec, schema)))
        case .predicate(let p):
            var result = BoundExpression.alwaysTrue
            for f in spec.fields where f.sourceId == p.fieldId {
                if let projected = project(p, f, source: p.type) {
                    result = simplify(.and(result, .predicate(projected)))
                }
            }
            return result
        }
    }

    package static func simplify(_ e: BoundExpression) -> BoundExpression {
        switch e {
        case .and(.alwaysTrue, let x), .and(let x, .alwaysTrue): return x
        case .and(.alwaysFalse, _), .and(_, .alwaysFalse): return .alwaysFalse
        case .or(.alwaysTrue, _), .or(_, .alwaysTrue): return .alwaysTrue
        case .or(.alwaysFalse, let x), .or(let x, .alwaysFalse): return x
        default: return e
        }
    }

    package static func project(_ p: BoundPredicate, _ field: PartitionField, source: IcebergType) -> BoundPredicate? {
        let t = field.transform
        let resultType = t.resultType(source)
        func make(_ op: PredicateOperator, _ values: [Literal]) -> BoundPredicate {
            BoundPredicate(op: op, fieldId: field.fieldId, type: resultType, literals: values)
        }
        func apply(_ v: Literal) -> Literal? { t.apply(v, source: source) }
        switch p.op {
        case .isNull, .notNull:
            if case .void = t { return nil }
            if case .unknown = t { return nil }
            return make(p.op, [])
        default: break
        }
        switch t {
        case .identity:
            return make(p.op, p.literals)
        case .void, .unknown:
            return nil
        case .bucket:
            switch p.op {
            case .equal: return apply(p.literals[0]).map { make(.equal, [$0]) }
            case .in: return make(.in, p.literals.compactMap(apply))
            default: return nil
            }
        case .truncate, .year, .month, .day, .hour:
            switch p.op {
            case .lessThan, .lessThanOrEqual: return apply(p.literals[0]).map { make(.lessThanOrEqual, [$0]) }
            case .greaterThan, .greaterThanOrEqual: return apply(p.literals[0]).map { make(.greaterThanOrEqual, [$0]) }
            case .equal: return apply(p.literals[0]).map { make(.equal, [$0]) }
            case .in: return make(.in, p.literals.compactMap(apply))
            case .startsWith:
                guard case .truncate(let w) = t, case .string(let prefix) = p.literals[0] else { return nil }
                if prefix.unicodeScalars.count >= w { return apply(p.literals[0]).map { make(.equal, [$0]) } }
                return make(.startsWith, p.literals)
            default: return nil
            }
        }
    }

    /// Whether a manifest (by its partition field summaries) may contain matches.
    package static func manifestMayMatch(
        _ e: BoundExpression, _ summaries: [FieldSummary]?, _ partitionType: StructType
    ) -> Bool {
        guard let summaries else { return true }
        func summary(_ id: Int) -> (FieldSummary, IcebergType)? {
            guard let i = partitionType.fields.firstIndex(where: { $0.id == id }), i < summaries.count else {
                return nil
            }
            return (summaries[i], partitionType.fields[i].type)
        }
        switch e {
        case .alwaysTrue: return true
        case .alwaysFalse: return false
        case .and(let a, let b):
            return manifestMayMatch(a, summaries, partitionType) && manifestMayMatch(b, summaries, partitionType)
        case .or(let a, let b):
            return manifestMayMatch(a, summaries, partitionType) || manifestMayMatch(b, summaries, partitionType)
        case .predicate(let p):
            guard let (s, type) = summary(p.fieldId) else { return true }
            let lower = s.lowerBound.flatMap { Literal.deserialize($0, as: type) }
            let upper = s.upperBound.flatMap { Literal.deserialize($0, as: type) }
            return rangeMayMatch(
                p, lower: lower, upper: upper, mayHaveNull: s.containsNull,
                allNull: lower == nil && upper == nil && s.containsNull && s.containsNaN != true,
                mayHaveNaN: s.containsNaN ?? true, allNaN: false)
        }
    }

    /// Whether a file may contain matches, by its column metrics.
    package static func fileMayMatch(_ e: BoundExpression, _ file: DataFile) -> Bool {
        switch e {
        case .alwaysTrue: return true
        case .alwaysFalse: return false
        case .and(let a, let b): return fileMayMatch(a, file) && fileMayMatch(b, file)
        case .or(let a, let b): return fileMayMatch(a, file) || fileMayMatch(b, file)
        case .predicate(let p):
            let id = p.fieldId
            let values = file.valueCounts[id]
            let nulls = file.nullValueCounts[id]
            let nans = file.nanValueCounts[id]
            let allNull = values != nil && nulls != nil && values == nulls
            let allNaN = values != nil && nans != nil && values == nans
            let lower = file.lowerBounds[id].flatMap { Literal.deserialize($0, as: p.type) }
            let upper = file.upperBounds[id].flatMap { Literal.deserialize($0, as: p.type) }
            return rangeMayMatch(
                p, lower: lower, upper: upper, mayHaveNull: nulls.map { $0 > 0 } ?? true, allNull: allNull,
                mayHaveNaN: nans.map { $0 > 0 } ?? true, allNaN: allNaN)
        }
    }

    /// Shared inclusive evaluation against a value range.
    package static func rangeMayMatch(
        _ p: BoundPredicate, lower: Literal?, upper: Literal?, mayHaveNull: Bool, allNull: Bool,
        mayHaveNaN: Bool, allNaN: Bool
    ) -> Bool {
        switch p.op {
        case .isNull: return mayHaveNull
        case .notNull: return !allNull
        case .isNaN: return mayHaveNaN
        case .notNaN: return !allNaN
        case .notEqual, .notIn, .notStartsWith: return true
        default: break
        }
        if allNull || allNaN { return false }
        func cmp(_ a: Literal?, _ b: Literal) -> Int? { a.flatMap { Literal.compare($0, b) } }
        switch p.op {
        case .lessThan: return cmp(lower, p.literals[0]).map { $0 < 0 } ?? true
        case .lessThanOrEqual: return cmp(lower, p.literals[0]).map { $0 <= 0 } ?? true
        case .greaterThan: return cmp(upper, p.literals[0]).map { $0 > 0 } ?? true
        case .greaterThanOrEqual: return cmp(upper, p.literals[0]).map { $0 >= 0 } ?? true
        case .equal:
            return (cmp(lower, p.literals[0]).map { $0 <= 0 } ?? true)
                && (cmp(upper, p.literals[0]).map { $0 >= 0 } ?? true)
        case .in:
            return p.literals.contains { v in
                (cmp(lower, v).map { $0 <= 0 } ?? true) && (cmp(upper, v).map { $0 >= 0 } ?? true)
            }
        case .startsWith:
            guard case .string(let prefix) = p.literals[0] else { return true }
            let n = prefix.unicodeScalars.count
            func cut(_ l: Literal?) -> Literal? {
                guard case .string(let s)? = l else { return nil }
                return .string(String(String.UnicodeScalarView(s.unicodeScalars.prefix(n))))
            }
            let lo = cut(lower)
            let hi = cut(upper)
            return (cmp(lo, .string(prefix)).map { $0 <= 0 } ?? true)
                && (cmp(hi, .string(prefix)).map { $0 >= 0 } ?? true)
        default:
            return true
        }
    }
}
