#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A destination for bytes written sequentially (a file, memory, an object-store upload).
public protocol ByteSink: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Finishes the output; after this no more writes happen.
    func close() throws
}

extension ByteSink {
    /// Appends a byte array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Collects the output in memory.
public final class MemorySink: ByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []
    /// Creates an empty sink.
    public init() {}
    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }
    /// No-op.
    public func close() throws {}
}

/// Writes to a local file through a buffer. With `atomic` (the default) the data goes to a
/// temporary file beside the target that is renamed into place by `close()`; `abort()` (or
/// deinit without close) removes it, so a failed write never leaves a partial file. With
/// `durable`, `close()` returns only once the bytes and the file's name are on the disk
/// (`fsync` of the file, then of its folder): a power loss after it keeps the file.
public final class FileSink: ByteSink {
    /// The final path.
    public let path: String
    private let tempPath: String
    private let durable: Bool
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferSize = 1 << 20
    private var finished = false

    /// Opens (creates or truncates) a file for writing.
    public init(path: String, atomic: Bool = true, durable: Bool = false) throws {
        self.path = path
        self.durable = durable
        self.tempPath = atomic ? "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : path
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ParquetError.io("cannot create '\(path)': \(String(cString: strerror(errno)))") }
    }

    /// Appends bytes. Small writes are gathered in a buffer (allocated on first use); writes
    /// of a quarter of the buffer or more go to the file directly, without a copy.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw ParquetError.writerClosed }
        if buffer.count + bytes.count > bufferSize { try flush() }
        if bytes.count >= bufferSize / 4 {
            try flush()
            try writeAll(bytes)
            return
        }
        if buffer.capacity == 0 { buffer.reserveCapacity(bufferSize) }
        buffer.append(contentsOf: bytes)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParquetError.io("write to '\(path)' failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Flushes, closes and (if atomic) renames the file into place; if durable, syncs the
    /// file before and its folder after the rename.
    public func close() throws {
        guard !finished else { return }
        try flush()
        if durable, fsync(fd) != 0 {
            let message = String(cString: strerror(errno))
            abort()
            throw ParquetError.io("fsync of '\(path)' failed: \(message)")
        }
        finished = true
        guard Glibc.close(fd) == 0 else {
            throw ParquetError.io("close of '\(path)' failed: \(String(cString: strerror(errno)))")
        }
        fd = -1
        if tempPath != path, rename(tempPath, path) != 0 {
            let message = String(cString: strerror(errno))
            unlink(tempPath)
            throw ParquetError.io("cannot move the written file into '\(path)': \(message)")
        }
        if durable { try Self.syncFolder(of: path) }
    }

    /// Syncs the folder holding `path`, so that a file created, renamed or linked there keeps
    /// its name after a power loss.
    public static func syncFolder(of path: String) throws {
        var folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if folder.isEmpty { folder = path.hasPrefix("/") ? "/" : "." }
        let dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else {
            throw ParquetError.io("cannot open folder '\(folder)': \(String(cString: strerror(errno)))")
        }
        defer { _ = Glibc.close(dfd) }
        // Some file systems cannot sync a folder (EINVAL); their renames are then as durable as they get.
        guard fsync(dfd) == 0 || errno == EINVAL else {
            throw ParquetError.io("fsync of folder '\(folder)' failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Discards the output: closes and removes the (temporary) file.
    public func abort() {
        guard !finished else { return }
        finished = true
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
        unlink(tempPath)
    }

    deinit { abort() }
}
