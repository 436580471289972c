import CZlib
import CompressionCodecs
import JSONSupport

/// Block codecs of Avro object container files.
public enum AvroCodec: String, Sendable, Hashable {
    /// No compression.
    case null
    /// Raw DEFLATE.
    case deflate
    /// Snappy with a 4-byte big-endian CRC32 of the uncompressed block.
    case snappy
    /// Zstandard.
    case zstandard

    func compress(_ block: [UInt8]) throws -> [UInt8] {
        switch self {
        case .null: return block
        case .deflate: return try CompressionCodec.deflate(level: 6).compress(block)
        case .zstandard: return try CompressionCodec.zstd(level: 3).compress(block)
        case .snappy:
            var out = try CompressionCodec.snappy.compress(block)
            let crc = AvroCodec.crc32(block)
            out.append(contentsOf: [
                UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF),
            ])
            return out
        }
    }

    func decompress(_ block: [UInt8], maxSize: Int) throws -> [UInt8] {
        do {
            switch self {
            case .null: return block
            case .deflate:
                return try CompressionCodec.deflate(level: 6).decompress(block, uncompressedSize: nil, maxSize: maxSize)
            case .zstandard:
                return try CompressionCodec.zstd(level: 3).decompress(block, uncompressedSize: nil, maxSize: maxSize)
            case .snappy:
                guard block.count >= 4 else { throw AvroError.malformedFile("snappy block shorter than its checksum") }
                let body = Array(block[0..<block.count - 4])
                let out = try CompressionCodec.snappy.decompress(body, uncompressedSize: nil, maxSize: maxSize)
                let t = block.suffix(4).map(UInt32.init)
                let expected =
                    t[t.startIndex] << 24 | t[t.startIndex + 1] << 16 | t[t.startIndex + 2] << 8 | t[t.startIndex + 3]
                guard AvroCodec.crc32(out) == expected else {
                    throw AvroError.malformedFile("snappy block checksum mismatch")
                }
                return out
            }
        } catch let e as CompressionError {
            throw AvroError.malformedFile("\(rawValue) block: \(e)")
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}

/// Writes an Avro object container file into memory.
public struct AvroFileWriter {
    /// The schema of every record.
    public let schema: AvroSchema
    /// The block codec.
    public let codec: AvroCodec
    private var output: [UInt8] = []
    private var block: [UInt8] = []
    private var blockCount = 0
    private let sync: [UInt8]
    /// Records per block before a block is flushed.
    public var recordsPerBlock = 4096

    /// Starts a file with the schema, codec and extra metadata (e.g. Iceberg's `schema`, `partition-spec`).
    public init(schema: AvroSchema, codec: AvroCodec = .deflate, metadata: [(String, String)] = []) throws {
        self.schema = schema
        self.codec = codec
        var rng = SystemRandomNumberGenerator()
        sync = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        output.append(contentsOf: [0x4F, 0x62, 0x6A, 0x01])
        var meta: [AvroMapEntry] = [
            AvroMapEntry(key: "avro.schema", value: .bytes(Array(schema.json.serialized().utf8))),
            AvroMapEntry(key: "avro.codec", value: .bytes(Array(codec.rawValue.utf8))),
        ]
        for (k, v) in metadata { meta.append(AvroMapEntry(key: k, value: .bytes(Array(v.utf8)))) }
        try AvroBinary.encode(.map(meta), .map(values: .of(.bytes), attributes: AvroAttributes()), into: &output)
        output.append(contentsOf: sync)
    }

    /// Appends a record.
    public mutating func append(_ value: AvroValue) throws {
        try AvroBinary.encode(value, schema, into: &block)
        blockCount += 1
        if blockCount >= recordsPerBlock { try flushBlock() }
    }

    private mutating func flushBlock() throws {
        guard blockCount > 0 else { return }
        let data = try codec.compress(block)
        AvroBinary.writeLong(Int64(blockCount), &output)
        AvroBinary.writeLong(Int64(data.count), &output)
        output.append(contentsOf: data)
        output.append(contentsOf: sync)
        block.removeAll(keepingCapacity: true)
        blockCount = 0
    }

    /// Finishes the file and returns its bytes.
    public mutating func finish() throws -> [UInt8] {
        try flushBlock()
        return output
    }
}

/// Reads an Avro object container file from memory.
public struct AvroFileReader {
    /// The writer's schema.
    public let schema: AvroSchema
    /// The block codec.
    public let codec: AvroCodec
    /// File metadata (including `avro.schema` and `avro.codec`).
    public let metadata: [String: [UInt8]]
    private let data: [UInt8]
    private let sync: [UInt8]
    private let firstBlock: Int
    /// Largest decompressed block accepted.
    public var maxBlockSize = 256 << 20

    /// Parses the header.
    public init(bytes: [UInt8]) throws {
        data = bytes
        guard bytes.count >= 4, Array(bytes[0..<4]) == [0x4F, 0x62, 0x6A, 0x01] else {
            throw AvroError.malformedFile("missing the 'Obj\\u{1}' magic")
        }
        var r = AvroReader(bytes, range: 4..<bytes.count)
        let metaValue = try AvroBinary.decode(.map(values: .of(.bytes), attributes: AvroAttributes()), from: &r)
        var meta: [String: [UInt8]] = [:]
        if case .map(let entries) = metaValue {
            for e in entries { if case .bytes(let b) = e.value { meta[e.key] = b } }
        }
        metadata = meta
        sync = try r.bytes(16)
        firstBlock = r.position
        guard let schemaBytes = meta["avro.schema"] else {
            throw AvroError.malformedFile("no avro.schema in the header")
        }
        schema = try AvroSchema(jsonText: String(decoding: schemaBytes, as: UTF8.self))
        let codecName = meta["avro.codec"].map { String(decoding: $0, as: UTF8.self) } ?? "null"
        guard let c = AvroCodec(rawValue: codecName) else { throw AvroError.unsupportedCodec(codecName) }
        codec = c
    }

    /// A metadata value as a string.
    public func metadataString(_ key: String) -> String? { metadata[key].map { String(decoding: $0, as: UTF8.self) } }

    /// Decodes every record.
    public func records() throws -> [AvroValue] {
        var out: [AvroValue] = []
        try forEachRecord { reader in out.append(try AvroBinary.decode(schema, from: &reader)) }
        return out
    }

    /// Calls `read` once per record with a reader at the record's first byte; `read` must
    /// consume exactly the record (of `schema`). Blocks are checked against the sync marker and
    /// decompressed one at a time.
    public func forEachRecord(_ read: (inout AvroReader) throws -> Void) throws {
        var r = AvroReader(data, range: firstBlock..<data.count)
        var zeroByteItemsLeft = AvroReader.maxZeroByteItems
        while r.remaining > 0 {
            let count = try r.long()
            let size = try r.long()
            guard count >= 0, size >= 0, size <= Int64(r.remaining) else {
                throw AvroError.malformedFile(
                    "block of \(count) records and \(size) bytes at \(r.position) does not fit the file")
            }
            let raw = try r.bytes(Int(size))
            guard try r.bytes(16) == sync else {
                throw AvroError.malformedFile("sync marker mismatch at \(r.position - 16)")
            }
            let block = try codec.decompress(raw, maxSize: maxBlockSize)
            guard count <= Int64(block.count) + AvroReader.maxZeroByteItems else {
                throw AvroError.malformedFile(
                    "block at \(r.position - 16 - Int(size)) claims \(count) records in \(block.count) bytes")
            }
            var br = AvroReader(block)
            br.zeroByteItemsLeft = zeroByteItemsLeft
            for _ in 0..<count {
                let before = br.position
                try read(&br)
                if br.position == before { br.zeroByteItemsLeft -= 1 }
            }
            // Zero-byte records and items of every block count against one budget per file.
            zeroByteItemsLeft = br.zeroByteItemsLeft
            guard zeroByteItemsLeft >= 0 else {
                throw AvroError.malformedFile("more than \(AvroReader.maxZeroByteItems) records and items of no bytes")
            }
            guard br.remaining == 0 else {
                throw AvroError.malformedFile("block has \(br.remaining) bytes after its \(count) records")
            }
        }
    }
}
