#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Storage for table files: data files, manifests, manifest lists and metadata JSON.
/// Locations are URIs (`file:///…`, `s3://…`) or plain absolute paths.
public protocol FileIO: Sendable {
    /// Reads a whole file.
    func read(_ location: String) async throws -> [UInt8]
    /// Writes a whole file, replacing any existing one.
    func write(_ location: String, _ bytes: [UInt8]) async throws
    /// Creates a file only if none exists (metadata files must never be overwritten).
    func writeExclusive(_ location: String, _ bytes: [UInt8]) async throws
    /// Creates a file from consecutive parts only if none exists. Stores that can write parts
    /// in turn override it, so a large metadata file is not joined in memory first.
    func writeExclusive(_ location: String, parts: [[UInt8]]) async throws
    /// Whether a file exists.
    func exists(_ location: String) async throws -> Bool
    /// Deletes a file (no error when it is already gone).
    func delete(_ location: String) async throws
    /// The file opened for reading at any offset (data files).
    func input(_ location: String) async throws -> InputFile
    /// A new file written front to back, visible only once closed (data files). Outputs to
    /// remote storage are `RemoteOutputFile`s, which the writers drive asynchronously.
    func output(_ location: String) async throws -> OutputFile
    /// Deletes many files (no error for those already gone); stores with batch deletes override it.
    func delete(_ locations: [String]) async throws
    /// Makes every file written so far durable (see the default).
    func sync() async throws
    /// The form of a location that says which file this IO would touch, for checking that a
    /// location lies inside another (see `LocationConfinement`); throws for a location whose
    /// file cannot be told for certain.
    func canonicalLocation(_ location: String) throws -> String
}

extension FileIO {
    /// Makes every file written so far durable before anything points at it (the commit loop
    /// calls it before each commit). Object stores are durable at each write: nothing to do.
    public func sync() async throws {}

    /// The location with its scheme in lower case; refused when it holds a control character
    /// or a `.` or `..` segment (object stores take them literally, file systems do not, so
    /// such a location could name a file outside a prefix it seems to lie in).
    public func canonicalLocation(_ location: String) throws -> String {
        try LocationSyntax.checkCharacters(location)
        guard let colon = location.firstIndex(of: ":"),
            location[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
            colon != location.startIndex
        else {
            throw FileIOError.failed(location, "not a URI with a scheme")
        }
        let rest = location[colon...]
        try LocationSyntax.checkSegments(
            rest.split(separator: "/", omittingEmptySubsequences: false).dropFirst(), of: location)
        return location[..<colon].lowercased() + rest
    }

    /// Joins the parts and writes them with `writeExclusive(_:_:)`.
    public func writeExclusive(_ location: String, parts: [[UInt8]]) async throws {
        try await writeExclusive(location, parts.count == 1 ? parts[0] : Array(parts.joined()))
    }

    /// Deletes files one by one; every file is tried, the first error is thrown at the end.
    public func delete(_ locations: [String]) async throws {
        var firstError: Error?
        for l in locations {
            do { try await delete(l) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}

/// A file opened for reading at any offset.
public protocol InputFile: AnyObject {
    /// Total size in bytes.
    var size: Int { get }
    /// Reads exactly `count` bytes at `offset`; throws if the range is outside the file.
    func read(offset: Int, count: Int) throws -> [UInt8]
}

/// A file on remote storage read range by range. A reader announces the ranges it is about to
/// read with `fetch`, which gets them (nearby ranges in one request, requests in parallel);
/// the synchronous `read`s that follow are served from fetched ranges, and `release` drops
/// them, so memory is bounded by what is being decoded. A `read` of bytes not fetched fails.
public protocol RangedInputFile: InputFile, Sendable {
    /// Fetches the ranges and keeps them until released.
    func fetch(_ ranges: [Range<Int>]) async throws -> FetchedRanges
    /// Drops fetched ranges.
    func release(_ ranges: FetchedRanges)
}

/// Ranges fetched by a `RangedInputFile` (a handle for releasing them).
public struct FetchedRanges: Sendable, Hashable {
    /// Identifies the fetch within its file.
    public let id: Int
    /// Wraps an identifier.
    public init(id: Int) { self.id = id }
}

/// A file written front to back; it appears at its location only once closed.
public protocol OutputFile: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Completes the file; no writes follow.
    func close() throws
}

/// An input over bytes already in memory.
public final class InMemoryInputFile: InputFile {
    /// The bytes.
    public let bytes: [UInt8]
    /// Wraps bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// The byte count.
    public var size: Int { bytes.count }
    /// Copies a range; throws `FileIOError.failed` for a range outside the bytes.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw FileIOError.failed("memory", "range \(offset)+\(count) is outside \(bytes.count) bytes")
        }
        return Array(bytes[offset..<offset + count])
    }
}

/// An output whose bytes go to remote storage. `write` only buffers; the writer calls
/// `flush()` after each batch so that complete parts are uploaded while it goes on (memory
/// stays bounded), then `finish()` after closing. `abort()` discards the upload.
public protocol RemoteOutputFile: OutputFile {
    /// Uploads what is buffered in complete parts.
    func flush() async throws
    /// Uploads the rest and makes the file visible.
    func finish() async throws
    /// Discards everything uploaded so far.
    func abort() async
}

/// Checks shared by the `canonicalLocation` forms of every FileIO.
public enum LocationSyntax {
    /// Refuses control characters (a NUL would end the path a system call sees early).
    public static func checkCharacters(_ location: String) throws {
        if location.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw FileIOError.failed(location.debugDescription, "a location may not hold control characters")
        }
    }

    /// Refuses `.` and `..` segments.
    public static func checkSegments<S: Sequence<Substring>>(_ segments: S, of location: String) throws {
        if segments.contains(where: { $0 == "." || $0 == ".." }) {
            throw FileIOError.failed(location, "a location may not hold '.' or '..' segments")
        }
    }
}

/// A file found by listing storage.
public struct ListedFile: Sendable, Hashable {
    /// Its location, in the form the listing was asked for (`s3://bucket/key`, or a path).
    public var location: String
    /// Its size in bytes.
    public var size: Int64
    /// When it was last written, in milliseconds since the epoch.
    public var lastModifiedMs: Int64

    /// A listed file.
    public init(location: String, size: Int64, lastModifiedMs: Int64) {
        self.location = location
        self.size = size
        self.lastModifiedMs = lastModifiedMs
    }
}

/// Storage that can list every file under a prefix (local folders, S3 prefixes), which
/// orphan-file removal needs.
public protocol FileListing: FileIO {
    /// Every file under `prefix`, at any depth (a local prefix names a folder).
    func listFiles(under prefix: String) async throws -> [ListedFile]
}
