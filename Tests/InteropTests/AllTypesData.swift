import Foundation
import JSONSupport
import TestSupport

@testable import Iceberg

/// A schema with every Iceberg type, nesting and nullability, and rows for it in the JSON
/// value convention (already canonical, so they compare directly with the peers' output).
enum AllTypesData {
    static let schemaJSON = """
        {"type":"struct","schema-id":0,"fields":[
          {"id":1,"name":"b","required":false,"type":"boolean"},
          {"id":2,"name":"i","required":false,"type":"int"},
          {"id":3,"name":"l","required":true,"type":"long"},
          {"id":4,"name":"f","required":false,"type":"float"},
          {"id":5,"name":"d","required":false,"type":"double"},
          {"id":6,"name":"dec9","required":false,"type":"decimal(9,2)"},
          {"id":7,"name":"dec18","required":false,"type":"decimal(18,6)"},
          {"id":8,"name":"dec38","required":false,"type":"decimal(38,10)"},
          {"id":9,"name":"day","required":false,"type":"date"},
          {"id":10,"name":"tod","required":false,"type":"time"},
          {"id":11,"name":"ts","required":false,"type":"timestamp"},
          {"id":12,"name":"tstz","required":false,"type":"timestamptz"},
          {"id":13,"name":"tsns","required":false,"type":"timestamp_ns"},
          {"id":14,"name":"tstzns","required":false,"type":"timestamptz_ns"},
          {"id":15,"name":"s","required":false,"type":"string"},
          {"id":16,"name":"u","required":false,"type":"uuid"},
          {"id":17,"name":"fx","required":false,"type":"fixed[4]"},
          {"id":18,"name":"bin","required":false,"type":"binary"},
          {"id":19,"name":"st","required":false,"type":{"type":"struct","fields":[
            {"id":20,"name":"a","required":true,"type":"int"},
            {"id":21,"name":"b","required":false,"type":"string"},
            {"id":22,"name":"inner","required":false,"type":{"type":"struct","fields":[
              {"id":23,"name":"x","required":false,"type":"double"}]}}]}},
          {"id":24,"name":"lst","required":false,"type":{"type":"list","element-id":25,"element-required":false,"element":"long"}},
          {"id":26,"name":"lol","required":false,"type":{"type":"list","element-id":27,"element-required":false,
            "element":{"type":"list","element-id":28,"element-required":true,"element":"string"}}},
          {"id":29,"name":"m","required":false,"type":{"type":"map","key-id":30,"key":"string","value-id":31,"value-required":false,
            "value":{"type":"struct","fields":[{"id":32,"name":"v","required":false,"type":"int"}]}}},
          {"id":33,"name":"ls","required":true,"type":{"type":"list","element-id":34,"element-required":true,
            "element":{"type":"struct","fields":[{"id":35,"name":"k","required":true,"type":"string"},{"id":36,"name":"n","required":false,"type":"int"}]}}}
        ]}
        """

    static func schema() throws -> Schema { try Schema(jsonText: schemaJSON) }

    /// Field id by dotted path as pyarrow reports them.
    static let expectedFieldIds: [String: Int] = [
        "b": 1, "i": 2, "l": 3, "f": 4, "d": 5, "dec9": 6, "dec18": 7, "dec38": 8, "day": 9, "tod": 10, "ts": 11,
        "tstz": 12, "tsns": 13, "tstzns": 14, "s": 15, "u": 16, "fx": 17, "bin": 18, "st": 19, "st.a": 20, "st.b": 21,
        "st.inner": 22, "st.inner.x": 23, "lst": 24, "lst.element": 25, "lol": 26, "lol.element": 27,
        "lol.element.element": 28, "m": 29, "m.key": 30, "m.value": 31, "m.value.v": 32, "ls": 33, "ls.element": 34,
        "ls.element.k": 35, "ls.element.n": 36,
    ]

    static func rows(count: Int, seed: UInt64 = 42) -> [JSONValue] {
        var rng = SplitMix64(seed: seed)
        func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) / 10_000 < p }
        func maybe(_ v: @autoclosure () -> JSONValue) -> JSONValue { chance(0.15) ? .null : v() }
        func int(_ r: ClosedRange<Int64>) -> Int64 { Int64.random(in: r, using: &rng) }
        func str(_ n: Int) -> String {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzé日本 \"\\\n")
            return String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        }
        func hex(_ n: Int) -> String { ByteText.hex((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        func decimal(_ digits: Int, _ scale: Int) -> String {
            var unscaled: Int128 = 0
            let n = Int(rng.next() % UInt64(digits)) + 1
            for _ in 0..<n { unscaled = unscaled * 10 + Int128(rng.next() % 10) }
            if chance(0.5) { unscaled = -unscaled }
            return DecimalValues.format(unscaled, scale: scale)
        }
        func float() -> JSONValue {
            if chance(0.03) { return .string(["NaN", "Infinity", "-Infinity"][Int(rng.next() % 3)]) }
            let f = Float(int(-1_000_000...1_000_000)) / 1024
            return try! JSONValue.parse(f.description)
        }
        func double() -> JSONValue {
            if chance(0.03) { return .string("NaN") }
            let d = Double(int(-1_000_000_000...1_000_000_000)) / 3.0
            return .double(d)
        }
        var out: [JSONValue] = []
        for r in 0..<count {
            let micros = int(-2_000_000_000_000_000...4_000_000_000_000_000)
            let nanos = int(-4_000_000_000_000_000_000...4_000_000_000_000_000_000)
            let row: [(String, JSONValue)] = [
                ("b", maybe(.bool(chance(0.5)))),
                ("i", maybe(.int(int(Int64(Int32.min)...Int64(Int32.max))))),
                ("l", .int(r % 7 == 0 ? Int64(r) : int(Int64.min...Int64.max))),
                ("f", maybe(float())),
                ("d", maybe(double())),
                ("dec9", maybe(.string(decimal(9, 2)))),
                ("dec18", maybe(.string(decimal(18, 6)))),
                ("dec38", maybe(.string(decimal(38, 10)))),
                ("day", maybe(.string(TemporalValues.formatDate(Int(int(-100_000...100_000)))))),
                ("tod", maybe(.string(TemporalValues.formatTime(int(0...86_399_999_999), unitsPerSecond: 1_000_000)))),
                ("ts", maybe(.string(TemporalValues.formatTimestamp(micros, unitsPerSecond: 1_000_000, utc: false)))),
                (
                    "tstz",
                    maybe(.string(TemporalValues.formatTimestamp(micros / 3, unitsPerSecond: 1_000_000, utc: true)))
                ),
                (
                    "tsns",
                    maybe(.string(TemporalValues.formatTimestamp(nanos, unitsPerSecond: 1_000_000_000, utc: false)))
                ),
                (
                    "tstzns",
                    maybe(.string(TemporalValues.formatTimestamp(nanos / 7, unitsPerSecond: 1_000_000_000, utc: true)))
                ),
                ("s", maybe(.string(r % 3 == 0 ? "category-\(r % 5)" : str(Int(rng.next() % 30))))),
                ("u", maybe(.string(ByteText.uuid((0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) })))),
                ("fx", maybe(.string(hex(4)))),
                ("bin", maybe(.string(hex(Int(rng.next() % 12))))),
                (
                    "st",
                    maybe(
                        .object([
                            ("a", .int(int(-5...5))),
                            ("b", maybe(.string(str(3)))),
                            ("inner", maybe(.object([("x", maybe(double()))]))),
                        ]))
                ),
                ("lst", maybe(.array((0..<Int(rng.next() % 4)).map { _ in maybe(.int(int(-1000...1000))) }))),
                (
                    "lol",
                    maybe(
                        .array(
                            (0..<Int(rng.next() % 3)).map { _ in
                                maybe(.array((0..<Int(rng.next() % 3)).map { _ in .string(str(2)) }))
                            }))
                ),
                (
                    "m",
                    maybe(
                        {
                            let n = Int(rng.next() % 3)
                            return .object([
                                ("keys", .array((0..<n).map { .string("k\($0)") })),
                                (
                                    "values",
                                    .array((0..<n).map { _ in maybe(.object([("v", maybe(.int(int(0...9))))])) })
                                ),
                            ])
                        }())
                ),
                (
                    "ls",
                    .array(
                        (0..<Int(rng.next() % 3)).map { _ in
                            .object([("k", .string(str(2))), ("n", maybe(.int(int(0...99))))])
                        })
                ),
            ]
            out.append(.object(row))
        }
        return out
    }
}
