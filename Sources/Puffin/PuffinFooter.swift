import CompressionCodecs
import JSONSupport

/// The footer of a Puffin file: the metadata of every blob and the file's properties.
///
/// Layout: `Magic Blob₁ … Blobₙ Magic FooterPayload FooterPayloadSize Flags Magic`, where the
/// payload is UTF-8 JSON, LZ4-frame compressed when bit 0 of the first flag byte is set.
public struct PuffinFooter: Sendable, Hashable {
    /// The four bytes that open and close a Puffin file and open its footer (`PFA1`).
    public static let magic: [UInt8] = [0x50, 0x46, 0x41, 0x31]
    /// Bytes after the payload: its size, the flags and the magic.
    public static let trailerLength = 12

    /// The blobs, in footer order.
    public var blobs: [PuffinBlobMetadata]
    /// File properties (`created-by`, …).
    public var properties: [String: String]

    /// The number of bytes at the end of the file the footer takes, judged from the trailer
    /// (the file's last `trailerLength` bytes).
    public static func footerLength(trailer: [UInt8]) throws(PuffinError) -> Int {
        guard trailer.count == trailerLength, Array(trailer[8..<12]) == magic else {
            throw .malformedFile("the file does not end with the Puffin magic")
        }
        let size = Int(Int32(littleEndian: trailer[0..<4].enumerated().reduce(0) { $0 | Int32($1.1) << (8 * $1.0) }))
        guard size >= 0 else { throw .malformedFile("negative footer payload size \(size)") }
        return size + magic.count + trailerLength
    }

    /// Parses the footer from the file's last `footerLength(trailer:)` bytes; `fileLength` is
    /// the whole file's, to check the blob ranges.
    public init(footer bytes: [UInt8], fileLength: Int) throws(PuffinError) {
        let length = try Self.footerLength(trailer: Array(bytes.suffix(Self.trailerLength)))
        guard bytes.count == length, Array(bytes.prefix(4)) == Self.magic else {
            throw .malformedFile("the footer does not start with the Puffin magic")
        }
        guard fileLength >= length + Self.magic.count else {
            throw .malformedFile("a footer of \(length) bytes does not fit a file of \(fileLength)")
        }
        let flags = Array(bytes[(bytes.count - 8)..<(bytes.count - 4)])
        guard flags[0] & ~1 == 0, flags[1] == 0, flags[2] == 0, flags[3] == 0 else {
            throw .unsupported("footer flags \(flags)")
        }
        var payload = Array(bytes[4..<(length - Self.trailerLength)])
        if flags[0] & 1 == 1 {
            do {
                payload = try CompressionCodec.lz4Frame.decompress(payload, uncompressedSize: nil, maxSize: 1 << 28)
            } catch {
                throw .malformedFile("footer payload: \(error)")
            }
        }
        let json: JSONValue
        do { json = try JSONValue.parse(bytes: &payload) } catch { throw .malformedFile("footer payload: \(error)") }
        guard case .array(let list)? = json["blobs"] else { throw .malformedFile("footer without a blobs list") }
        var blobs: [PuffinBlobMetadata] = []
        for (i, item) in list.enumerated() {
            let blob = try PuffinBlobMetadata(json: item, index: i)
            let blobArea = Int64(fileLength - length)
            guard blob.offset >= Int64(Self.magic.count), blob.offset <= blobArea, blob.length >= 0,
                blob.length <= blobArea - blob.offset
            else {
                throw .malformedFile(
                    "blob \(i) (\(blob.type)) at \(blob.offset)+\(blob.length) lies outside the blob area")
            }
            blobs.append(blob)
        }
        self.blobs = blobs
        properties = Self.strings(json["properties"])
    }

    static func strings(_ value: JSONValue?) -> [String: String] {
        guard case .object(let pairs)? = value else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in pairs { if let s = v.stringValue { out[k] = s } }
        return out
    }
}

/// One blob's entry in a Puffin footer.
public struct PuffinBlobMetadata: Sendable, Hashable {
    /// The blob type (`deletion-vector-v1`, `apache-datasketches-theta-v1`, …).
    public var type: String
    /// The field ids the blob was computed for.
    public var fields: [Int]
    /// The snapshot it was computed from (-1 for deletion vectors).
    public var snapshotId: Int64
    /// That snapshot's sequence number (-1 for deletion vectors).
    public var sequenceNumber: Int64
    /// Where the blob starts in the file.
    public var offset: Int64
    /// Its stored length.
    public var length: Int64
    /// `lz4` or `zstd`, or nil when stored uncompressed.
    public var compressionCodec: String?
    /// Blob properties (`referenced-data-file`, `cardinality`, …).
    public var properties: [String: String]

    init(json: JSONValue, index: Int) throws(PuffinError) {
        func long(_ key: String) throws(PuffinError) -> Int64 {
            guard let v = json[key]?.intValue else { throw .malformedFile("blob \(index) without \(key)") }
            return v
        }
        guard let type = json["type"]?.stringValue else { throw .malformedFile("blob \(index) without type") }
        self.type = type
        fields = (json["fields"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int.init) }
        snapshotId = try long("snapshot-id")
        sequenceNumber = try long("sequence-number")
        offset = try long("offset")
        length = try long("length")
        compressionCodec = json["compression-codec"]?.stringValue
        properties = PuffinFooter.strings(json["properties"])
    }
}

extension PuffinBlobMetadata {
    /// The metadata of a blob stored uncompressed at `offset`.
    public init(
        type: String, fields: [Int], snapshotId: Int64 = -1, sequenceNumber: Int64 = -1, offset: Int64, length: Int64,
        properties: [String: String]
    ) {
        self.type = type
        self.fields = fields
        self.snapshotId = snapshotId
        self.sequenceNumber = sequenceNumber
        self.offset = offset
        self.length = length
        compressionCodec = nil
        self.properties = properties
    }

    /// The footer JSON form (properties in key order).
    var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string(type)), ("fields", .array(fields.map { .int(Int64($0)) })),
            ("snapshot-id", .int(snapshotId)), ("sequence-number", .int(sequenceNumber)), ("offset", .int(offset)),
            ("length", .int(length)),
        ]
        if let compressionCodec { pairs.append(("compression-codec", .string(compressionCodec))) }
        if !properties.isEmpty {
            pairs.append(
                ("properties", .object(properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        return .object(pairs)
    }
}

/// Builds a Puffin file in memory: blobs stored uncompressed one after another, then the
/// footer (an uncompressed JSON payload).
public struct PuffinWriter: Sendable {
    /// The file so far.
    public private(set) var bytes: [UInt8] = PuffinFooter.magic
    /// The blobs added, in order.
    public private(set) var blobs: [PuffinBlobMetadata] = []

    /// An empty file.
    public init() {}

    /// Appends a blob and returns its metadata (offset and length within the file).
    @discardableResult
    public mutating func add(_ blob: [UInt8], type: String, fields: [Int], properties: [String: String])
        -> PuffinBlobMetadata
    {
        let metadata = PuffinBlobMetadata(
            type: type, fields: fields, offset: Int64(bytes.count), length: Int64(blob.count), properties: properties)
        bytes += blob
        blobs.append(metadata)
        return metadata
    }

    /// The finished file: the blobs, then the footer with `properties` (`created-by`, …).
    public func finish(properties: [String: String]) -> [UInt8] {
        var payload: [(String, JSONValue)] = [("blobs", .array(blobs.map(\.json)))]
        if !properties.isEmpty {
            payload.append(
                ("properties", .object(properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        let json = Array(JSONValue.object(payload).serialized().utf8)
        var out = bytes + PuffinFooter.magic + json
        let size = UInt32(json.count)
        for b in 0..<4 { out.append(UInt8(truncatingIfNeeded: size >> (8 * UInt32(b)))) }
        out += [0, 0, 0, 0]
        out += PuffinFooter.magic
        return out
    }
}
