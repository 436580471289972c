/// Removes files under a table's location that no snapshot, metadata file or statistics file
/// of the table reaches (Java's `DeleteOrphanFiles`): files of writers that crashed or lost a
/// commit race, and of expirations that kept their files.
///
/// Only files last modified before `olderThanMs` are taken (three days ago by default), so a
/// commit still being written is never robbed of its files. Locations are compared by path;
/// a listed file whose path a reachable file has under another scheme or authority (`s3a://`
/// against `s3://`, another bucket) is a prefix mismatch, handled by `prefixMismatch`. Only
/// the table's own files are considered: a table whose location lies inside this one's would
/// lose its files, as with Java.
public struct DeleteOrphanFiles: Sendable {
    /// What to do with a file whose path a reachable file has under another scheme or authority.
    public enum PrefixMismatchMode: String, Sendable, CaseIterable {
        /// Stop, naming the mismatched locations, and delete nothing (the default).
        case error
        /// Keep the file.
        case ignore
        /// Treat it as an orphan.
        case delete
    }

    /// Files last modified before this time (milliseconds since the epoch) may be removed;
    /// nil: three days before now.
    public var olderThanMs: Int64?
    /// The folder to search (default: the table's location).
    public var location: String?
    /// How prefix mismatches are handled.
    public var prefixMismatch: PrefixMismatchMode = .error
    /// Schemes that name the same storage (`s3a` and `s3n` are `s3`, as in Java).
    public var equalSchemes: [String: String] = ["s3a": "s3", "s3n": "s3"]
    /// Authorities (buckets, hosts) that name the same storage.
    public var equalAuthorities: [String: String] = [:]
    /// List the orphans without deleting them.
    public var dryRun = false
    /// Allow `olderThanMs` within the last day (files of commits still running may be taken).
    public var allowRecentFiles = false

    /// Three days, Java's default age for orphans.
    public static let defaultAgeMs: Int64 = 3 * 24 * 3600 * 1000

    /// The default: orphans older than three days under the table's location, mismatches an error.
    public init(
        olderThanMs: Int64? = nil, location: String? = nil, prefixMismatch: PrefixMismatchMode = .error,
        dryRun: Bool = false
    ) {
        self.olderThanMs = olderThanMs
        self.location = location
        self.prefixMismatch = prefixMismatch
        self.dryRun = dryRun
    }

    /// What a run found and did.
    public struct Result: Sendable, Hashable {
        /// The orphans found (deleted unless a dry run), sorted.
        public var orphanFiles: [String] = []
        /// Files the listing found under the location.
        public var listedFiles = 0
        /// Files the table reaches.
        public var reachableFiles = 0
        /// Orphans too recent to be taken.
        public var tooRecent = 0
        /// Orphans deleted.
        public var deletedFiles = 0
        /// Orphans whose deletion failed.
        public var failedDeletes: [String] = []
    }

    /// Finds the orphans of `table` and (unless a dry run) deletes them.
    public func run(on table: Table, now: Int64 = WallClock.nowMs()) async throws -> Result {
        guard let io = table.io as? any FileListing else {
            throw IcebergError.invalidValue(
                row: nil, field: "io", detail: "this table's storage cannot list files, so orphans cannot be found")
        }
        let cutoff = olderThanMs ?? now - Self.defaultAgeMs
        if cutoff > now - 24 * 3600 * 1000, !allowRecentFiles {
            throw IcebergError.invalidValue(
                row: nil, field: "older-than",
                detail:
                    "files written in the last day may belong to commits still running; allow recent files to take them"
            )
        }
        let metadata = table.metadata
        var root = location ?? metadata.location
        if !root.hasSuffix("/") { root += "/" }
        async let listing = io.listFiles(under: root)
        let reachable = try await ReachableFiles(
            metadata: metadata, metadataLocation: table.metadataLocation, io: io, followOldMetadata: true
        ).collect()
        let listed = try await listing
        var result = Result(listedFiles: listed.count, reachableFiles: reachable.count)

        var byPath: [String: [FileURI]] = [:]
        for location in reachable {
            let uri = uri(location)
            byPath[uri.path, default: []].append(uri)
        }
        var mismatches: [String] = []
        var orphans: [String] = []
        for file in listed {
            let actual = uri(file.location)
            if let known = byPath[actual.path] {
                if known.contains(where: { $0.sameStorage(as: actual) }) { continue }
                switch prefixMismatch {
                case .error:
                    mismatches.append(file.location)
                    continue
                case .ignore: continue
                case .delete: break
                }
            }
            guard file.lastModifiedMs < cutoff else {
                result.tooRecent += 1
                continue
            }
            orphans.append(file.location)
        }
        if !mismatches.isEmpty {
            throw IcebergError.invalidValue(
                row: nil, field: "prefix-mismatch",
                detail: "\(mismatches.count) listed files match reachable files only by path, under another scheme or "
                    + "authority (e.g. \(mismatches.sorted().prefix(3).joined(separator: ", "))); name equal schemes or "
                    + "authorities, or choose to ignore or delete them")
        }
        result.orphanFiles = orphans.sorted()
        guard !dryRun else { return result }
        for chunk in stride(from: 0, to: result.orphanFiles.count, by: 1000) {
            let batch = Array(result.orphanFiles[chunk..<min(chunk + 1000, result.orphanFiles.count)])
            do {
                try await io.delete(batch)
                result.deletedFiles += batch.count
            } catch {
                for file in batch {
                    do {
                        try await io.delete(file)
                        result.deletedFiles += 1
                    } catch {
                        result.failedDeletes.append(file)
                    }
                }
            }
        }
        return result
    }

    /// A location split for comparison, with equal schemes and authorities mapped.
    private func uri(_ location: String) -> FileURI {
        var uri = FileURI(location)
        if let s = uri.scheme { uri.scheme = equalSchemes[s] ?? s }
        if let a = uri.authority { uri.authority = equalAuthorities[a] ?? a }
        return uri
    }
}

/// A location as scheme, authority and path (`s3://bucket/key`: `s3`, `bucket`, `/key`; a
/// plain path or a `file:` URI: the path, scheme `file`, no authority).
struct FileURI: Hashable {
    var scheme: String?
    var authority: String?
    var path: String

    init(_ location: String) {
        if location.hasPrefix("/") {
            scheme = nil
            authority = nil
            path = location
        } else if let colon = location.firstIndex(of: ":") {
            scheme = location[..<colon].lowercased()
            var rest = location[location.index(after: colon)...]
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                authority = rest[..<slash].isEmpty ? nil : String(rest[..<slash])
                rest = rest[slash...]
            } else {
                authority = nil
            }
            path = String(rest)
        } else {
            scheme = nil
            authority = nil
            path = location
        }
        if scheme == "file" { scheme = nil }
    }

    /// Whether two locations with the same path name the same file: schemes and authorities
    /// equal where both are given.
    func sameStorage(as other: FileURI) -> Bool {
        (scheme == nil || other.scheme == nil || scheme == other.scheme)
            && (authority == nil || other.authority == nil || authority == other.authority)
    }
}

extension Table {
    /// Removes orphan files (see `DeleteOrphanFiles`).
    public func deleteOrphanFiles(_ options: DeleteOrphanFiles = DeleteOrphanFiles()) async throws
        -> DeleteOrphanFiles.Result
    {
        try await options.run(on: self)
    }
}
