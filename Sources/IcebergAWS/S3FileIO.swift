import AWSTransport
import Iceberg

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

/// Table files on S3. Reads fetch objects with ranged GETs in parallel; writes of large
/// files and Parquet data files use multipart uploads that stream while the writer works
/// (parts of `partSize`, at most `maxPartsInFlight` uploading at once, aborted on failure);
/// metadata files are created with a conditional PUT so an existing one is never replaced.
public struct S3FileIO: FileIO {
    /// The S3 client.
    public let s3: S3Client
    /// Size of upload parts (≥ 5 MiB, as S3 requires for every part but the last).
    public var partSize: Int
    /// Parts uploading at once per file.
    public var maxPartsInFlight: Int
    /// Size of the ranges read in parallel.
    public var readChunkSize: Int

    /// Creates a FileIO.
    public init(s3: S3Client, partSize: Int = 8 << 20, maxPartsInFlight: Int = 4, readChunkSize: Int = 8 << 20) {
        self.s3 = s3
        self.partSize = max(partSize, 5 << 20)
        self.maxPartsInFlight = max(1, maxPartsInFlight)
        self.readChunkSize = max(readChunkSize, 1 << 16)
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

    /// The objects under a prefix (`s3://bucket/prefix`), as locations with sizes.
    public func list(prefix location: String) async throws -> [(location: String, size: Int)] {
        let l = try S3Location(location)
        return try await mapErrors(location) {
            try await s3.listObjects(bucket: l.bucket, prefix: l.key).map { ("s3://\(l.bucket)/\($0.key)", $0.size) }
        }
    }

    /// The object fetched into memory with parallel ranged GETs, as a random-access input.
    public func input(_ location: String) async throws -> InputFile {
        InMemoryInputFile(try await read(location))
    }

    /// A streaming multipart upload.
    public func output(_ location: String) async throws -> OutputFile {
        S3UploadSink(s3: s3, location: try S3Location(location), partSize: partSize, maxPartsInFlight: maxPartsInFlight)
    }

    /// The rest of an object after its first chunk, in parallel ranged GETs.
    private func readRest(_ l: S3Location, size: Int, first: [UInt8]) async throws -> [UInt8] {
        let chunk = readChunkSize
        let count = (size + chunk - 1) / chunk
        let s3 = self.s3
        var out = first
        out.append(contentsOf: repeatElement(0, count: size - first.count))
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            var next = 1
            func add() {
                let i = next
                next += 1
                group.addTask {
                    (
                        i,
                        try await s3.getObject(
                            bucket: l.bucket, key: l.key, range: (i * chunk)..<min(size, (i + 1) * chunk))
                    )
                }
            }
            for _ in 0..<min(maxPartsInFlight, count - 1) { add() }
            while let (i, bytes) = try await group.next() {
                out.withUnsafeMutableBufferPointer { dst in
                    bytes.withUnsafeBufferPointer { src in
                        UnsafeMutableRawPointer(dst.baseAddress! + i * chunk).copyMemory(
                            from: src.baseAddress!, byteCount: src.count)
                    }
                }
                if next < count { add() }
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
