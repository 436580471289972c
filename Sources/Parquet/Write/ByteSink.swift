import Dispatch
import Synchronization

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
/// `durable`, the file is synced to the disk — its bytes, then its name (its folder) — by the
/// next `FileSink.syncPending()`: files closed one after another are synced together, in
/// parallel, where a sync each would wait for the disk once per file.
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

    /// Flushes, closes and (if atomic) renames the file into place; a durable file is left
    /// open for `syncPending()` to sync.
    public func close() throws {
        guard !finished else { return }
        try flush()
        finished = true
        if tempPath != path, rename(tempPath, path) != 0 {
            let message = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            unlink(tempPath)
            throw ParquetError.io("cannot move the written file into '\(path)': \(message)")
        }
        if durable {
            let count = Self.pending.withLock {
                $0.append((fd, path))
                return $0.count
            }
            fd = -1
            // Open files are a limited resource: a long run of writes is synced as it goes.
            if count >= Self.maxPending { try Self.syncPending() }
            return
        }
        guard Glibc.close(fd) == 0 else {
            throw ParquetError.io("close of '\(path)' failed: \(String(cString: strerror(errno)))")
        }
        fd = -1
    }

    /// Durable files closed and not yet synced (kept open), process-wide.
    private static let pending = Mutex<[(fd: Int32, path: String)]>([])
    private static let maxPending = 256
    /// Held while files are synced: a caller that finds nothing pending waits for the files
    /// another caller took (its own among them) to reach the disk.
    private static let syncing = Mutex(())

    /// Syncs every durable file closed so far — their bytes in parallel, then each folder
    /// holding one — and returns once all are on the disk. Call it before anything points at
    /// the files (a catalog commit).
    public static func syncPending() throws {
        try syncing.withLock { _ in try syncTaken() }
    }

    private static func syncTaken() throws {
        let files = pending.withLock { p in
            defer { p.removeAll() }
            return p
        }
        guard !files.isEmpty else { return }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            if fsync(files[i].fd) != 0 {
                let message = String(cString: strerror(errno))
                failures.withLock { $0.append("fsync of '\(files[i].path)' failed: \(message)") }
            }
            _ = Glibc.close(files[i].fd)
        }
        if let failure = failures.withLock({ $0.first }) { throw ParquetError.io(failure) }
        var folders: [String] = []
        for file in files where !folders.contains(folder(of: file.path)) { folders.append(folder(of: file.path)) }
        // A folder removed since (a failed attempt's files, a dropped table) has nothing to keep.
        for folder in folders { try syncFolder(folder, missingIsFine: true) }
    }

    /// The folder holding `path` (`/` for a file at the root, `.` for a bare name).
    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Syncs the folder holding `path`, so that a file created, renamed or linked there keeps
    /// its name after a power loss.
    public static func syncFolder(of path: String) throws { try syncFolder(folder(of: path), missingIsFine: false) }

    private static func syncFolder(_ folder: String, missingIsFine: Bool) throws {
        let dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else {
            if missingIsFine && errno == ENOENT { return }
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
