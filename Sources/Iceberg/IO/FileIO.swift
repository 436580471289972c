import Parquet
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
    /// A random-access input for Parquet reading.
    func input(_ location: String) async throws -> RandomAccessInput
    /// A sequential sink for Parquet writing (atomic: visible only after close). Sinks of
    /// remote storage are `RemoteByteSink`s, which the writers drive asynchronously.
    func output(_ location: String) async throws -> ByteSink
    /// Deletes many files (no error for those already gone); stores with batch deletes override it.
    func delete(_ locations: [String]) async throws
}

extension FileIO {
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

/// A sink whose bytes go to remote storage. `write` only buffers; the writer calls `flush()`
/// after each batch so that complete parts are uploaded while it goes on (memory stays
/// bounded), then `finish()` after the Parquet writer is closed. `abort()` discards the upload.
public protocol RemoteByteSink: ByteSink {
    /// Uploads what is buffered in complete parts.
    func flush() async throws
    /// Uploads the rest and makes the file visible.
    func finish() async throws
    /// Discards everything uploaded so far.
    func abort() async
}

/// Errors of file I/O.
public enum FileIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case notFound(String)
    /// The file exists and must not be overwritten.
    case alreadyExists(String)
    /// Another failure, with the system's message.
    case failed(String, String)
    /// The location's scheme is not handled by this FileIO.
    case unsupportedScheme(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .notFound(let p): return "file not found: \(p)"
        case .alreadyExists(let p): return "file already exists: \(p)"
        case .failed(let p, let m): return "\(p): \(m)"
        case .unsupportedScheme(let p): return "unsupported location scheme: \(p)"
        }
    }
}

/// Local files. `file:` URIs and absolute paths are accepted.
public struct LocalFileIO: FileIO {
    /// Creates a local FileIO.
    public init() {}

    /// The filesystem path of a location.
    public static func path(_ location: String) throws -> String {
        if location.hasPrefix("file://") { return String(location.dropFirst("file://".count)) }
        if location.hasPrefix("file:") { return String(location.dropFirst("file:".count)) }
        if location.hasPrefix("/") { return location }
        if location.contains("://") { throw FileIOError.unsupportedScheme(location) }
        return location
    }

    /// Reads a whole file.
    public func read(_ location: String) async throws -> [UInt8] {
        let p = try Self.path(location)
        guard access(p, F_OK) == 0 else { throw FileIOError.notFound(location) }
        let input = try FileInput(path: p)
        return try input.read(offset: 0, count: input.size)
    }

    /// Writes a file atomically (temporary file + rename), creating parent directories.
    public func write(_ location: String, _ bytes: [UInt8]) async throws {
        let p = try Self.path(location)
        try Self.makeParents(p)
        let sink = try FileSink(path: p)
        try sink.write(bytes)
        try sink.close()
    }

    /// Creates a file only if absent, atomically (link of a complete temporary file).
    public func writeExclusive(_ location: String, _ bytes: [UInt8]) async throws {
        try await writeExclusive(location, parts: [bytes])
    }

    /// Creates a file from consecutive parts only if none exists: the parts go to a temporary
    /// file in turn, which is then hard-linked to the location (the link fails if it exists).
    public func writeExclusive(_ location: String, parts: [[UInt8]]) async throws {
        let p = try Self.path(location)
        try Self.makeParents(p)
        let temp = p + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let sink = try FileSink(path: temp, atomic: false)
        for part in parts { try sink.write(part) }
        try sink.close()
        defer { unlink(temp) }
        if link(temp, p) != 0 {
            if errno == EEXIST { throw FileIOError.alreadyExists(location) }
            throw FileIOError.failed(location, String(cString: strerror(errno)))
        }
    }

    /// Whether a file exists.
    public func exists(_ location: String) async throws -> Bool { access(try Self.path(location), F_OK) == 0 }

    /// Deletes a file.
    public func delete(_ location: String) async throws {
        let p = try Self.path(location)
        if unlink(p) != 0 && errno != ENOENT { throw FileIOError.failed(location, String(cString: strerror(errno))) }
    }

    /// A random-access input.
    public func input(_ location: String) async throws -> RandomAccessInput {
        let p = try Self.path(location)
        guard access(p, F_OK) == 0 else { throw FileIOError.notFound(location) }
        return try FileInput(path: p)
    }

    /// An atomic file sink.
    public func output(_ location: String) async throws -> ByteSink {
        let p = try Self.path(location)
        try Self.makeParents(p)
        return try FileSink(path: p)
    }

    /// Creates a directory and its parents.
    public static func makeDirectories(_ path: String) throws { try makeParents(path + "/x") }

    static func makeParents(_ path: String) throws {
        var dir = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (i, part) in parts.enumerated() {
            dir += (i == 0 ? "" : "/") + part
            if dir.isEmpty { continue }
            if mkdir(dir, 0o755) != 0 && errno != EEXIST {
                throw FileIOError.failed(dir, String(cString: strerror(errno)))
            }
        }
    }
}
