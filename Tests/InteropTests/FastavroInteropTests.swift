import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Avro

/// fastavro reads the container files we write, and we read what fastavro writes.
final class FastavroInteropTests: XCTestCase {
    /// The fastavro-style JSON of a value: records by field name, unions unwrapped, bytes as hex.
    func json(_ value: AvroValue, _ schema: AvroSchema) -> JSONValue {
        switch (schema, value) {
        case (_, .null): return .null
        case (.union(let b), .union(let i, let v)): return json(v, b[i])
        case (.record(let r), .record(let vs)): return .object(zip(r.fields, vs).map { ($0.name, json($1, $0.type)) })
        case (.array(let items, _), .array(let vs)): return .array(vs.map { json($0, items) })
        case (.map(let vs, _), .map(let es)): return .object(es.map { ($0.key, json($0.value, vs)) })
        case (.enumeration(_, _, let symbols, _), .enumeration(let i)): return .string(symbols[i])
        case (_, .boolean(let b)): return .bool(b)
        case (_, .int(let i)): return .int(Int64(i))
        case (_, .long(let l)): return .int(l)
        case (_, .float(let f)): return .double(Double(f))
        case (_, .double(let d)): return .double(d)
        case (_, .string(let s)): return .string(s)
        case (_, .bytes(let b)), (_, .fixed(let b)): return .string(b.map { String(format: "%02x", $0) }.joined())
        default: return .null
        }
    }

    func testFastavroReadsOursAndWeReadFastavros() throws {
        let dir = try makeTemporaryDirectory(self)
        let schema = try AvroSchema(jsonText: AvroTestsSchema.json)
        let records = AvroTestsSchema.records()
        let expected = JSONValue.array(records.map { json($0, schema) })
        for codec in [AvroCodec.null, .deflate, .snappy, .zstandard] {
            var w = try AvroFileWriter(schema: schema, codec: codec, metadata: [("schema-id", "3")])
            w.recordsPerBlock = 50
            for r in records { try w.append(r) }
            let path = dir.appendingPathComponent("ours-\(codec.rawValue).avro").path
            try Data(try w.finish()).write(to: URL(fileURLWithPath: path))
            var out = [UInt8](try PythonPeer.run(script: "avro_peer.py", ["read", path]))
            let peer = try JSONValue.parse(bytes: &out)
            XCTAssertEqual(peer["records"], expected, codec.rawValue)
            XCTAssertEqual(peer["metadata"]?["schema-id"], .string("3"))
            // fastavro sees the same field ids we wrote.
            XCTAssertEqual(peer["schema"]?["fields"]?.arrayValue?[1]["field-id"], .int(1))

            // And the other way round.
            let schemaPath = dir.appendingPathComponent("schema.json").path
            let recordsPath = dir.appendingPathComponent("records.json").path
            try schema.json.serialized().write(toFile: schemaPath, atomically: true, encoding: .utf8)
            try expected.serialized().write(toFile: recordsPath, atomically: true, encoding: .utf8)
            let theirs = dir.appendingPathComponent("theirs-\(codec.rawValue).avro").path
            _ = try PythonPeer.run(script: "avro_peer.py", ["write", schemaPath, recordsPath, theirs, codec.rawValue])
            let reader = try AvroFileReader(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: theirs))))
            XCTAssertEqual(reader.codec, codec)
            XCTAssertEqual(reader.metadataString("written-by"), "fastavro")
            XCTAssertEqual(
                JSONValue.array(try reader.records().map { json($0, reader.schema) }), expected,
                "fastavro \(codec.rawValue)")
        }
    }
}

/// A schema covering every Avro type, shared with the unit tests' shape.
enum AvroTestsSchema {
    static let json = """
        {"type":"record","name":"entry","fields":[
          {"name":"status","type":"int","field-id":0},
          {"name":"id","type":["null","long"],"default":null,"field-id":1},
          {"name":"name","type":"string"},
          {"name":"ratio","type":"double"},
          {"name":"ok","type":"boolean"},
          {"name":"raw","type":"bytes"},
          {"name":"hash","type":{"type":"fixed","name":"md5","size":4}},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["DATA","DELETES"]}},
          {"name":"tags","type":{"type":"array","items":"string","element-id":7}},
          {"name":"props","type":{"type":"map","values":"long"}},
          {"name":"inner","type":["null",{"type":"record","name":"inner","fields":[{"name":"day","type":{"type":"int","logicalType":"date"}}]}]}
        ]}
        """

    static func records() -> [AvroValue] {
        (0..<200).map { (i: Int) -> AvroValue in
            let id: AvroValue =
                i % 4 == 0 ? .union(branch: 0, .null) : .union(branch: 1, .long(Int64(i) * 1_000_000_007))
            let inner: AvroValue = i % 3 == 0 ? .union(branch: 0, .null) : .union(branch: 1, .record([.int(Int32(i))]))
            let tags: [AvroValue] = (0..<(i % 3)).map { .string("t\($0)") }
            let props: [AvroMapEntry] = (0..<(i % 2)).map { AvroMapEntry(key: "k\($0)", value: .long(Int64($0))) }
            var fields: [AvroValue] = [.int(Int32(i % 3)), id, .string("file-\(i)-é"), .double(Double(i) / 8)]
            fields.append(.boolean(i % 2 == 0))
            fields.append(.bytes((0..<(i % 5)).map { UInt8($0) }))
            fields.append(.fixed([UInt8(i & 0xFF), 1, 2, 3]))
            fields.append(.enumeration(i % 2))
            fields.append(.array(tags))
            fields.append(.map(props))
            fields.append(inner)
            return .record(fields)
        }
    }
}
