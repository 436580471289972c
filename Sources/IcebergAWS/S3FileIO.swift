import AWSTransport
import Iceberg
import Synchronization

/// A bucket and key parsed from `s3://bucket/key` (also `s3a://` and `s3n://`).
public struct S3Location: Sendable, Equatable {
    /// The bucket.
    public var bucket: String
    /// The key (no leading slash).
    public var key: String

    /// Parses a location; throws `FileIOError.unsupportedScheme` for other schemes.
    public init(_ location: String) throws {
        var rest: Substring
        if location.hasPrefix("s3://") {
            rest = location.dropFirst(5)
        } else if location.hasPrefix("s3a://") || location.hasPrefix("s3n://") {
            rest = location.dropFirst(6)
        } else {
            throw FileIOError.unsupportedScheme(location)
        }
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else {
            throw FileIOError.failed(location, "expected s3://bucket/key")
        }
        bucket = String(rest[..<slash])
        rest = rest[rest.index(after: slash)...]
        key = String(rest)
        guard !key.isEmpty else { throw FileIOError.failed(location, "expected s3://bucket/key") }
    }
}

/// Table files on S3. Whole-file reads fetch objects with ranged GETs in parallel; inputs
/// (data files) larger than `rangedReadThreshold` are read range by range — the footer with a
/// suffix GET when opened, then only the ranges the reader asks for; writes of large
/// files and Parquet data files use multipart uploads that stream while the writer works
/// (parts of `partSize`, at most `maxPartsInFlight` uploading at once, aborted on failure);
/// metadata files are created with a conditional PUT so an existing one is never replaced.
public struct S3FileIO: FileListing {
    /// The S3 client.
    public let s3: S3Client
    /// Size of upload parts (≥ 5 MiB, as S3 requires for every part but the last).
    public var partSize: Int
    /// Parts uploading at once per file.
    public var maxPartsInFlight: Int
    /// Size of the ranges read in parallel.
    public var readChunkSize: Int
    /// Inputs of objects up to this size are read whole; larger ones range by range.
    public var rangedReadThreshold: Int
    /// Bytes fetched from the end of an object when it is opened as an input (the footer).
    public static let tailReadSize = 64 << 10

    /// Creates a FileIO.
    public init(
        s3: S3Client, partSize: Int = 8 << 20, maxPartsInFlight: Int = 4, readChunkSize: Int = 8 << 20,
        rangedReadThreshold: Int = 8 << 20
    ) {
        self.s3 = s3
        self.partSize = max(partSize, 5 << 20)
        self.maxPartsInFlight = max(1, maxPartsInFlight)
        self.readChunkSize = max(readChunkSize, 1 << 16)
        self.rangedReadThreshold = max(rangedReadThreshold, Self.tailReadSize)
    }

    /// `s3://bucket/key` for any of the S3 schemes; refused when the key holds a `.` or `..`
    /// segment (S3 keeps them literally) or a control character.
    public func canonicalLocation(_ location: String) throws -> String {
        try LocationSyntax.checkCharacters(location)
        // A whole bucket (`s3://bucket` or `s3://bucket/`) is a location too, though not a file's.
        let bucketOnly = location.hasSuffix("/") ? location : location + "/"
        if let parsed = try? S3Location(bucketOnly + "x"), parsed.key == "x" { return "s3://\(parsed.bucket)" }
        let parsed = try S3Location(location)
        try LocationSyntax.checkSegments(
            parsed.key.split(separator: "/", omittingEmptySubsequences: false), of: location)
        return "s3://\(parsed.bucket)/\(parsed.key)"
    }

    /// Reads a whole object.
    public func read(_ location: String) async throws -> [UInt8] {
        let l = try S3Location(location)
        return try await mapErrors(location) {
            // One ranged GET gives the first chunk and the size; most files end there.
            let (first, size) = try await s3.getObjectPrefix(bucket: l.bucket, key: l.key, count: readChunkSize)
            return first.count >= size ? first : try await readRest(l, size: size, first: first)
        }
    }

    /// Writes an object (multipart above one part's size).
    public func write(_ location: String, _ bytes: [UInt8]) async throws {
        let l = try S3Location(location)
        try await mapErrors(location) {
            if bytes.count <= partSize {
                try await s3.putObject(bucket: l.bucket, key: l.key, body: bytes)
            } else {
                let sink = S3UploadSink(s3: s3, location: l, partSize: partSize, maxPartsInFlight: maxPartsInFlight)
                try bytes.withUnsafeBytes { try sink.write($0) }
                try sink.close()
                do { try await sink.finish() } catch {
                    await sink.abort()
                    throw error
                }
            }
        }
    }

    /// Creates an object only if none exists (`If-None-Match: *`). If S3 answers that one
    /// exists, its content is compared: an identical object is this call's own earlier,
    /// retried attempt and counts as written.
    public func writeExclusive(_ location: String, _ bytes: [UInt8]) async throws {
        let l = try S3Location(location)
        try await mapErrors(location) {
            do {
                try await s3.putObject(bucket: l.bucket, key: l.key, body: bytes, ifNoneMatch: true)
            } catch let error as AWSError where error.serviceError?.status == 412 {
                if let existing = try? await s3.getObject(bucket: l.bucket, key: l.key), existing == bytes { return }
                throw FileIOError.alreadyExists(location)
            }
        }
    }

    /// Whether an object exists.
    public func exists(_ location: String) async throws -> Bool {
        let l = try S3Location(location)
        return try await mapErrors(location) { try await s3.headObject(bucket: l.bucket, key: l.key) != nil }
    }

    /// Deletes an object.
    public func delete(_ location: String) async throws {
        let l = try S3Location(location)
        try await mapErrors(location) { try await s3.deleteObject(bucket: l.bucket, key: l.key) }
    }

    /// Deletes objects with batch deletes, grouped by bucket.
    public func delete(_ locations: [String]) async throws {
        var byBucket: [String: [String]] = [:]
        for location in locations {
            let l = try S3Location(location)
            byBucket[l.bucket, default: []].append(l.key)
        }
        for (bucket, keys) in byBucket.sorted(by: { $0.key < $1.key }) {
            try await mapErrors("s3://\(bucket)") { try await s3.deleteObjects(bucket: bucket, keys: keys) }
        }
    }

    /// The objects under a prefix (`s3://bucket/prefix`, every page of `ListObjectsV2`), with
    /// sizes and last-modified times. A prefix is matched as S3 matches it, so `s3://b/t`
    /// also lists `s3://b/t2/…`: pass a prefix ending in `/` for a folder.
    public func listFiles(under prefix: String) async throws -> [ListedFile] {
        let l = try S3Location(prefix)
        return try await mapErrors(prefix) {
            try await s3.listObjects(bucket: l.bucket, prefix: l.key).map {
                ListedFile(
                    location: "s3://\(l.bucket)/\($0.key)", size: Int64($0.size),
                    // No time given: never old enough to be taken for an orphan.
                    lastModifiedMs: $0.lastModified.map { $0 * 1000 } ?? .max)
            }
        }
    }

    /// The object as a random-access input. One suffix GET gets its end and its size; an
    /// object up to `rangedReadThreshold` is then read whole (the rest in parallel ranged GETs),
    /// a larger one becomes an `S3RangedInput` holding its first 4 bytes and its end (with the
    /// whole Parquet footer), which fetches other ranges as a reader announces them.
    public func input(_ location: String) async throws -> InputFile {
        let l = try S3Location(location)
        return try await mapErrors(location) {
            let (tail, size) = try await s3.getObjectSuffix(bucket: l.bucket, key: l.key, count: Self.tailReadSize)
            if tail.count >= size { return InMemoryInputFile(tail) }
            if size <= rangedReadThreshold {
                let head = try await readRanges(l, [0..<size - tail.count])
                return InMemoryInputFile(head[0] + tail)
            }
            var wanted = [0..<4]
            // A Parquet footer longer than the tail: fetch the rest of it too, kept with the tail
            // as one block (the footer is read in one piece).
            let n = tail.count
            let footerLength =
                Int(tail[n - 8]) | Int(tail[n - 7]) << 8 | Int(tail[n - 6]) << 16 | Int(tail[n - 5]) << 24
            if Array(tail[(n - 4)...]) == Array("PAR1".utf8), footerLength + 8 > n, footerLength + 8 <= size {
                wanted.append(size - 8 - footerLength..<size - n)
            }
            let fetched = try await readRanges(l, wanted)
            var kept: [(start: Int, bytes: [UInt8])] = [(0, fetched[0])]
            if wanted.count > 1 {
                kept.append((wanted[1].lowerBound, fetched[1] + tail))
            } else {
                kept.append((size - n, tail))
            }
            return S3RangedInput(
                s3: s3, location: l, size: size, kept: kept, maxRequestsInFlight: maxPartsInFlight)
        }
    }

    /// Ranges of an object, in parallel ranged GETs (at most `maxPartsInFlight` at once).
    func readRanges(_ l: S3Location, _ ranges: [Range<Int>]) async throws -> [[UInt8]] {
        try await S3RangedInput.get(s3, l, ranges, inFlight: maxPartsInFlight)
    }

    /// A streaming multipart upload.
    public func output(_ location: String) async throws -> OutputFile {
        S3UploadSink(s3: s3, location: try S3Location(location), partSize: partSize, maxPartsInFlight: maxPartsInFlight)
    }

    /// The rest of an object after its first chunk, in parallel ranged GETs, each copied into
    /// place as it arrives.
    private func readRest(_ l: S3Location, size: Int, first: [UInt8]) async throws -> [UInt8] {
        let chunk = readChunkSize
        let count = (size + chunk - 1) / chunk
        let ranges = (1..<count).map { ($0 * chunk)..<min(size, ($0 + 1) * chunk) }
        var out = first
        out.append(contentsOf: repeatElement(0, count: size - first.count))
        try await S3RangedInput.get(s3, l, ranges, inFlight: maxPartsInFlight) { i, bytes in
            out.withUnsafeMutableBufferPointer { dst in
                bytes.withUnsafeBufferPointer { src in
                    UnsafeMutableRawPointer(dst.baseAddress! + ranges[i].lowerBound).copyMemory(
                        from: src.baseAddress!, byteCount: src.count)
                }
            }
        }
        return out
    }

    /// S3 "not found" answers become `FileIOError.notFound`; other errors pass unchanged.
    private func mapErrors<T>(_ location: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as AWSError where error.serviceError?.status == 404 {
            throw FileIOError.notFound(location)
        }
    }
}

/// An S3 object read range by range (see `RangedInputFile`): `fetch` coalesces ranges less than
/// `coalesceGap` apart and gets them in parallel ranged GETs; reads are served from what was
/// fetched and not released, and from what was kept when the object was opened (its first
/// bytes and its end).
public final class S3RangedInput: RangedInputFile {
    /// Ranges closer than this are fetched in one GET (the bytes between read and dropped).
    public static let coalesceGap = 64 << 10
    /// The object's size.
    public let size: Int
    private let s3: S3Client
    private let location: S3Location
    private let maxRequestsInFlight: Int
    private struct Block {
        var start: Int
        var bytes: [UInt8]
        func holds(_ offset: Int, _ count: Int) -> Bool { offset >= start && offset + count <= start + bytes.count }
    }
    private struct State {
        var kept: [Block]
        var fetched: [Int: [Block]] = [:]
        var nextId = 1
    }
    private let state: Mutex<State>

    init(
        s3: S3Client, location: S3Location, size: Int, kept: [(start: Int, bytes: [UInt8])], maxRequestsInFlight: Int
    ) {
        self.s3 = s3
        self.location = location
        self.size = size
        self.maxRequestsInFlight = maxRequestsInFlight
        state = Mutex(State(kept: kept.map { Block(start: $0.start, bytes: $0.bytes) }))
    }

    /// Copies fetched bytes; bytes not fetched fail naming the object and the range.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size - count else {
            throw FileIOError.failed(
                "s3://\(location.bucket)/\(location.key)", "range \(offset)+\(count) is outside the \(size)-byte object"
            )
        }
        let found: [UInt8]? = state.withLock { s in
            let block =
                s.kept.first { $0.holds(offset, count) }
                ?? s.fetched.values.lazy.compactMap { $0.first { $0.holds(offset, count) } }.first
            guard let block else { return nil }
            return Array(block.bytes[offset - block.start..<offset - block.start + count])
        }
        guard let found else {
            throw FileIOError.failed(
                "s3://\(location.bucket)/\(location.key)",
                "bytes \(offset)..<\(offset + count) were read before being fetched")
        }
        return found
    }

    /// Fetches the ranges not already kept, nearby ones in one GET, in parallel.
    public func fetch(_ ranges: [Range<Int>]) async throws -> FetchedRanges {
        let needed = state.withLock { s in
            ranges.filter { r in !r.isEmpty && !s.kept.contains { $0.holds(r.lowerBound, r.count) } }
        }
        var merged: [Range<Int>] = []
        for r in needed.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound + Self.coalesceGap {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        let bytes = try await Self.get(s3, location, merged, inFlight: maxRequestsInFlight)
        let blocks = zip(merged, bytes).map { Block(start: $0.lowerBound, bytes: $1) }
        return state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.fetched[id] = blocks
            return FetchedRanges(id: id)
        }
    }

    /// Drops fetched ranges.
    public func release(_ ranges: FetchedRanges) { _ = state.withLock { $0.fetched.removeValue(forKey: ranges.id) } }

    /// Ranges of an object in parallel ranged GETs, at most `inFlight` at once, in order.
    static func get(_ s3: S3Client, _ l: S3Location, _ ranges: [Range<Int>], inFlight: Int) async throws -> [[UInt8]] {
        var out = [[UInt8]](repeating: [], count: ranges.count)
        try await get(s3, l, ranges, inFlight: inFlight) { out[$0] = $1 }
        return out
    }

    /// Ranges of an object in parallel ranged GETs, at most `inFlight` at once, each handed to
    /// `arrived` with its index as it comes.
    static func get(
        _ s3: S3Client, _ l: S3Location, _ ranges: [Range<Int>], inFlight: Int,
        arrived: (Int, [UInt8]) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask { (i, try await s3.getObject(bucket: l.bucket, key: l.key, range: ranges[i])) }
            }
            while next < min(inFlight, ranges.count) { add() }
            while let (i, bytes) = try await group.next() {
                arrived(i, bytes)
                if next < ranges.count { add() }
            }
        }
    }
}

/// A multipart upload fed by a writer: `write` buffers; `flush` cuts full parts and uploads
/// them (a bounded number at once); `finish` uploads the last part and completes, or sends a
/// single PUT when the file fits in one part. Any failure aborts the upload.
public final class S3UploadSink: RemoteOutputFile {
    private let s3: S3Client
    private let location: S3Location
    private let partSize: Int
    private let maxPartsInFlight: Int
    private var buffer: [UInt8] = []
    private var uploadId: String?
    private var inFlight: [Task<String, Error>] = []
    private var etags: [String] = []
    private var closed = false

    /// Creates a sink for one object.
    public init(s3: S3Client, location: S3Location, partSize: Int, maxPartsInFlight: Int) {
        self.s3 = s3
        self.location = location
        self.partSize = partSize
        self.maxPartsInFlight = maxPartsInFlight
    }

    /// Buffers bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !closed else { throw FileIOError.failed("s3://\(location.bucket)/\(location.key)", "write after close") }
        buffer.append(contentsOf: bytes)
    }

    /// Marks the end of the data; `finish()` uploads it.
    public func close() throws { closed = true }

    /// Uploads every complete part in the buffer.
    public func flush() async throws {
        while buffer.count >= partSize {
            let part = Array(buffer[0..<partSize])
            buffer.removeFirst(partSize)
            try await upload(part)
        }
    }

    /// Uploads the rest and completes the upload (or one PUT for a small file).
    public func finish() async throws {
        if uploadId == nil, buffer.count <= partSize {
            try await s3.putObject(bucket: location.bucket, key: location.key, body: buffer)
            buffer = []
            return
        }
        do {
            try await flush()
            if !buffer.isEmpty {
                try await upload(buffer)
                buffer = []
            }
            for task in inFlight { etags.append(try await task.value) }
            inFlight = []
            guard let id = uploadId else { return }
            try await s3.completeMultipartUpload(bucket: location.bucket, key: location.key, uploadId: id, etags: etags)
        } catch {
            await abort()
            throw error
        }
    }

    /// Cancels uploads in flight and aborts the multipart upload.
    public func abort() async {
        for task in inFlight { task.cancel() }
        for task in inFlight { _ = try? await task.value }
        inFlight = []
        buffer = []
        if let id = uploadId {
            try? await s3.abortMultipartUpload(bucket: location.bucket, key: location.key, uploadId: id)
            uploadId = nil
        }
    }

    private func upload(_ part: [UInt8]) async throws {
        if uploadId == nil { uploadId = try await s3.createMultipartUpload(bucket: location.bucket, key: location.key) }
        if inFlight.count >= maxPartsInFlight {
            // Parts complete in order of submission here, which keeps the ETags in part order.
            etags.append(try await inFlight.removeFirst().value)
        }
        let number = etags.count + inFlight.count + 1
        let (s3, l, id) = (self.s3, location, uploadId!)
        inFlight.append(
            Task { try await s3.uploadPart(bucket: l.bucket, key: l.key, uploadId: id, partNumber: number, body: part) }
        )
    }
}
