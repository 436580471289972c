import JSONSupport

/// How change events are written.
public enum ChangeEventFormat: String, Sendable, Hashable, CaseIterable {
    /// Debezium's envelope: `op` (`c` create, `r` snapshot read, `u` update, `d` delete),
    /// `before` and `after` (the row before and after the change), `source` and `ts_ms`
    /// (kept out of the row unless mapped); a `{"schema": …, "payload": …}` wrapper (Kafka
    /// Connect's JSON converter with schemas) is unwrapped; `null` lines (tombstones) are skipped.
    case debezium
    /// The row itself with an operation column `_cdc_op`: `I` insert, `U` update, `D`
    /// delete (any case), as Kafka Connect sinks write it; the column is not stored.
    case flat
}

/// A batch of change events reduced to what it does to a table: per key the last event
/// wins, so the batch becomes the rows to upsert and the keys to delete (a key inserted,
/// updated and deleted in one batch is just deleted; deleted and inserted again, just
/// upserted). Applied with `UpsertRows` as one snapshot: deletes of keys that are not in
/// the table are no-ops. Problems name the event's line and field.
public struct ChangeBatch: Sendable {
    /// The rows to upsert: each key's last insert or update (line numbers of their events).
    public private(set) var upserts: [(rowNumber: Int, row: JSONValue)] = []
    /// The keys whose last event is a delete (objects of the key fields).
    public private(set) var deletions: [(rowNumber: Int, row: JSONValue)] = []
    /// Events read (tombstones not counted).
    public private(set) var eventCount = 0

    /// The operation column of the flat form.
    public static let operationColumn = "_cdc_op"

    /// Reduces `events` (with their line numbers) in `format` for a table of `schema` with
    /// key `keyFieldIds`. `mappings` copy envelope values into row columns (Debezium:
    /// `("source.lsn", "src_lsn")`, `("ts_ms", "changed_at_ms")`; paths are dotted).
    public init(
        events: [(lineNumber: Int, event: JSONValue)], format: ChangeEventFormat, schema: Schema, keyFieldIds: [Int],
        mappings: [(from: String, to: String)] = []
    ) throws {
        let keyPaths = keyFieldIds.map { id in
            (schema.columnName(id: id) ?? "").split(separator: ".").map(String.init)
        }
        let keyTypes = keyFieldIds.map { schema.field(id: $0)?.type ?? .unknown }
        var last: [[Literal?]: (line: Int, row: JSONValue, delete: Bool)] = [:]
        var order: [[Literal?]] = []
        for (line, raw) in events {
            guard let (row, isDelete) = try Self.change(raw, format: format, line: line, mappings: mappings) else {
                continue
            }
            eventCount += 1
            var key: [Literal?] = []
            for (k, path) in keyPaths.enumerated() {
                var value: JSONValue? = row
                for name in path { value = value?[name] }
                let field = path.joined(separator: ".")
                guard let value, value != .null else {
                    throw IcebergError.invalidValue(
                        row: line, field: field,
                        detail: "the \(isDelete ? "deleted row" : "row") has no value for the key field")
                }
                do {
                    key.append(try Literal.from(json: value, type: keyTypes[k]))
                } catch let IcebergError.invalidValue(_, _, detail) {
                    throw IcebergError.invalidValue(row: line, field: field, detail: detail)
                }
            }
            if last[key] == nil { order.append(key) }
            last[key] = (line, row, isDelete)
        }
        for key in order {
            guard let (line, row, isDelete) = last[key] else { continue }
            if isDelete {
                deletions.append((line, Self.keyObject(row, paths: keyPaths)))
            } else {
                upserts.append((line, row))
            }
        }
    }

    /// The row an event carries and whether it deletes; nil for a tombstone.
    private static func change(
        _ raw: JSONValue, format: ChangeEventFormat, line: Int, mappings: [(from: String, to: String)]
    ) throws -> (row: JSONValue, delete: Bool)? {
        if raw == .null { return nil }
        guard case .object = raw else {
            throw IcebergError.invalidValue(row: line, field: "", detail: "a change event must be a JSON object")
        }
        switch format {
        case .flat:
            guard case .object(let pairs) = raw, let op = raw[operationColumn] else {
                throw IcebergError.invalidValue(
                    row: line, field: operationColumn, detail: "the event has no operation column")
            }
            let row = JSONValue.object(pairs.filter { $0.0 != operationColumn })
            switch op.stringValue?.uppercased() {
            case "I", "U": return (try mapped(row, envelope: raw, mappings, line), false)
            case "D": return (row, true)
            default:
                throw IcebergError.invalidValue(
                    row: line, field: operationColumn,
                    detail: "unknown operation \(op.serialized()) (expected I, U or D)")
            }
        case .debezium:
            var envelope = raw
            if let payload = raw["payload"], raw["op"] == nil {
                if payload == .null { return nil }
                envelope = payload
            }
            guard let op = envelope["op"]?.stringValue else {
                throw IcebergError.invalidValue(row: line, field: "op", detail: "the event has no operation (op)")
            }
            func image(_ name: String) throws -> JSONValue {
                guard let row = envelope[name], case .object = row else {
                    throw IcebergError.invalidValue(
                        row: line, field: name, detail: "a '\(op)' event needs the row in '\(name)'")
                }
                return row
            }
            switch op {
            case "c", "r", "u": return (try mapped(try image("after"), envelope: envelope, mappings, line), false)
            case "d": return (try image("before"), true)
            case "t":
                throw IcebergError.invalidValue(
                    row: line, field: "op", detail: "truncate events are not applied (delete the rows instead)")
            default:
                throw IcebergError.invalidValue(
                    row: line, field: "op", detail: "unknown operation '\(op)' (expected c, r, u or d)")
            }
        }
    }

    /// `row` with each mapping's envelope value set as a column.
    private static func mapped(
        _ row: JSONValue, envelope: JSONValue, _ mappings: [(from: String, to: String)], _ line: Int
    ) throws -> JSONValue {
        guard !mappings.isEmpty, case .object(var pairs) = row else { return row }
        for (from, to) in mappings {
            var value: JSONValue? = envelope
            for name in from.split(separator: ".") { value = value?[String(name)] }
            pairs.removeAll { $0.0 == to }
            pairs.append((to, value ?? .null))
        }
        return .object(pairs)
    }

    /// An object holding only the key fields of `row`.
    private static func keyObject(_ row: JSONValue, paths: [[String]]) -> JSONValue {
        func build(_ value: JSONValue, _ paths: [[String]]) -> JSONValue {
            var pairs: [(String, JSONValue)] = []
            for name in paths.compactMap(\.first).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
                let rest = paths.filter { $0.first == name }.map { Array($0.dropFirst()) }
                let child = value[name] ?? .null
                pairs.append((name, rest.contains { $0.isEmpty } ? child : build(child, rest)))
            }
            return .object(pairs)
        }
        return build(row, paths)
    }
}

extension Transaction {
    /// Applies a batch of change events as one snapshot: its upserts and deletes by key (see
    /// `ChangeBatch`, `UpsertRows`).
    public mutating func apply(
        _ changes: ChangeBatch, options: UpsertRows.Options = UpsertRows.Options(), branch: String = "main"
    ) {
        add(UpsertRows(rows: changes.upserts, deletedKeys: changes.deletions, options: options, branch: branch))
    }
}

extension Table {
    /// Applies change events (JSON objects with line numbers) in `format` as one snapshot;
    /// the key is `options.keyColumns` or the identifier fields. Returns what it did.
    @discardableResult
    public func applyChanges(
        _ events: [(lineNumber: Int, event: JSONValue)], format: ChangeEventFormat,
        mappings: [(from: String, to: String)] = [], options: UpsertRows.Options = UpsertRows.Options(),
        branch: String = "main"
    ) async throws -> UpsertRows.Result {
        let keyIds = try UpsertRows.keyFieldIds(options.keyColumns, schema: schema)
        let batch = try ChangeBatch(
            events: events, format: format, schema: schema, keyFieldIds: keyIds, mappings: mappings)
        var txn = newTransaction()
        txn.apply(batch, options: options, branch: branch)
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? UpsertRows)?.result ?? UpsertRows.Result()
    }
}
