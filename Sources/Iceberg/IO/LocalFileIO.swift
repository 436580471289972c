import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Local files. `file:` URIs and absolute paths are accepted.
///
/// Durable by default: every file written reaches the disk — its bytes and its name, and
/// every folder created for it — before a catalog points at it: at the next `sync()` (the
/// commit loop calls it before it commits) or `writeExclusive` (a metadata file), which sync
/// everything written before them together.
public struct LocalFileIO: FileIO {
    /// Whether written files and their folders are synced to the disk before commits.
    public var durable: Bool

    /// Creates a local FileIO.
    public init(durable: Bool = true) { self.durable = durable }

    /// The filesystem path of a location.
    public static func path(_ location: String) throws -> String {
        if location.hasPrefix("file://") { return String(location.dropFirst("file://".count)) }
        if location.hasPrefix("file:") { return String(location.dropFirst("file:".count)) }
        if location.hasPrefix("/") { return location }
        if location.contains("://") { throw FileIOError.unsupportedScheme(location) }
        return location
    }

    /// The real path of the file a location names: the longest part that exists resolved by
    /// the system (symbolic links and `..` as the kernel follows them), the rest appended
    /// (refused if it holds `.` or `..`). Relative paths, control characters and links that
    /// lead nowhere are refused: what they name depends on more than the location.
    public func canonicalLocation(_ location: String) throws -> String {
        try LocationSyntax.checkCharacters(location)
        let path = try Self.path(location)
        guard path.hasPrefix("/") else { throw FileIOError.failed(location, "not an absolute path") }
        let parts = path.split(separator: "/")
        var existing = parts.count
        var info = stat()
        while existing > 0, lstat("/" + parts[..<existing].joined(separator: "/"), &info) != 0 { existing -= 1 }
        let tail = parts[existing...]
        try LocationSyntax.checkSegments(tail, of: location)
        guard let resolved = realpath("/" + parts[..<existing].joined(separator: "/"), nil) else {
            throw FileIOError.failed(location, "cannot be resolved: \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        let head = String(cString: resolved)
        return tail.isEmpty ? head : (head == "/" ? "" : head) + "/" + tail.joined(separator: "/")
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
        try makeParents(p)
        let sink = try FileSink(path: p, durable: durable)
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
        try makeParents(p)
        let temp = p + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let sink = try FileSink(path: temp, atomic: false, durable: durable)
        for part in parts { try sink.write(part) }
        try sink.close()
        defer { unlink(temp) }
        if link(temp, p) != 0 {
            if errno == EEXIST { throw FileIOError.alreadyExists(location) }
            throw FileIOError.failed(location, String(cString: strerror(errno)))
        }
        // A file created only if absent is what a catalog points at next: it and every
        // durable file written before it reach the disk now.
        if durable { try await sync() }
    }

    /// Syncs every durable file written so far (and its folder) to the disk.
    public func sync() async throws { try FileSink.syncPending() }

    /// Whether a file exists.
    public func exists(_ location: String) async throws -> Bool { access(try Self.path(location), F_OK) == 0 }

    /// Deletes a file.
    public func delete(_ location: String) async throws {
        let p = try Self.path(location)
        if unlink(p) != 0 && errno != ENOENT { throw FileIOError.failed(location, String(cString: strerror(errno))) }
    }

    /// A random-access input.
    public func input(_ location: String) async throws -> InputFile {
        let p = try Self.path(location)
        guard access(p, F_OK) == 0 else { throw FileIOError.notFound(location) }
        return try FileInput(path: p)
    }

    /// An atomic file sink.
    public func output(_ location: String) async throws -> OutputFile {
        let p = try Self.path(location)
        try makeParents(p)
        return try FileSink(path: p, durable: durable)
    }

    /// Creates a directory and its parents.
    public static func makeDirectories(_ path: String) throws { try LocalFileIO().makeParents(path + "/x") }

    /// Creates the folders above `path` that are missing (each synced into its parent when durable).
    func makeParents(_ path: String) throws {
        var dir = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (i, part) in parts.enumerated() {
            dir += (i == 0 ? "" : "/") + part
            if dir.isEmpty { continue }
            if mkdir(dir, 0o755) == 0 {
                if durable { try FileSink.syncFolder(of: dir) }
            } else if errno != EEXIST {
                throw FileIOError.failed(dir, String(cString: strerror(errno)))
            }
        }
    }
}

extension LocalFileIO: FileListing {
    /// Every regular file under the folder `prefix` names (none if it does not exist), with
    /// locations in the prefix's own form (`file:` URI or path). Symbolic links are listed as
    /// files, never followed.
    public func listFiles(under prefix: String) async throws -> [ListedFile] {
        let root = try Self.path(prefix)
        let shown = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let rootPath = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        var out: [ListedFile] = []
        var pending: [(path: String, shown: String)] = [(rootPath, shown)]
        while let (dir, dirShown) = pending.popLast() {
            guard let handle = opendir(dir) else {
                if errno == ENOENT || errno == ENOTDIR, dir == rootPath { return [] }
                throw FileIOError.failed(dirShown, "cannot be listed: \(String(cString: strerror(errno)))")
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                let path = dir + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else {
                    if errno == ENOENT { continue }  // removed while listing
                    throw FileIOError.failed(dirShown + "/" + name, String(cString: strerror(errno)))
                }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    pending.append((path, dirShown + "/" + name))
                } else {
                    let ms = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
                    out.append(
                        ListedFile(location: dirShown + "/" + name, size: Int64(info.st_size), lastModifiedMs: ms))
                }
            }
        }
        return out
    }
}
