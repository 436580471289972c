import Synchronization

/// Decoded footers of files opened before, by location, so that opening one again reads and
/// decodes no footer: what a service that looks keys up in the same files again and again
/// saves most on. For files that do not change under their location (Iceberg's data files);
/// a footer is handed out only for a file of the size it was read from. Bounded by the
/// footers' serialized bytes: once over, the least recently used are dropped. Safe to use
/// from several tasks at once.
public final class ParquetFooterCache: Sendable {
    /// The cache scans share unless told otherwise: 4 MiB of serialized footers (a thousand
    /// files' footers of a few columns; decoded, a footer takes several times its size).
    public static let shared = ParquetFooterCache(capacityBytes: 4 << 20)

    /// The most serialized footer bytes kept.
    public let capacityBytes: Int

    private struct Entry {
        var footer: ParquetFooter
        var lastUse: UInt64
    }
    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }
    private let state = Mutex(State())

    /// An empty cache holding at most `capacityBytes` of serialized footers.
    public init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    /// The footer kept for a location, if it is of a file of `fileSize` bytes.
    public func footer(for location: String, fileSize: Int) -> ParquetFooter? {
        state.withLock { s in
            guard var entry = s.entries[location], entry.footer.fileSize == fileSize else { return nil }
            s.clock += 1
            entry.lastUse = s.clock
            s.entries[location] = entry
            return entry.footer
        }
    }

    /// Keeps a file's footer (replacing one kept for the location); a footer larger than the
    /// whole capacity is not kept. Going over the capacity drops the least recently used
    /// footers down to three quarters of it.
    public func insert(_ footer: ParquetFooter, for location: String) {
        guard footer.length <= capacityBytes else { return }
        state.withLock { s in
            s.clock += 1
            if let old = s.entries.updateValue(Entry(footer: footer, lastUse: s.clock), forKey: location) {
                s.bytes -= old.footer.length
            }
            s.bytes += footer.length
            guard s.bytes > capacityBytes else { return }
            for (key, entry) in s.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard s.bytes > capacityBytes / 4 * 3 else { break }
                s.entries[key] = nil
                s.bytes -= entry.footer.length
            }
        }
    }

    /// The number of footers kept.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Drops every footer.
    public func removeAll() {
        state.withLock { $0 = State() }
    }
}
