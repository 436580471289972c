import Synchronization

/// How far a long operation has come: files and bytes done of the total (a rewrite reports
/// after each group). Handed to a progress handler, which may be called from any task.
public struct WorkProgress: Sendable, Hashable {
    /// What is being done (`rewrite-data-files`).
    public var operation: String
    /// Input files done.
    public var filesDone = 0
    /// Input files in all.
    public var filesTotal = 0
    /// Input bytes done.
    public var bytesDone: Int64 = 0
    /// Input bytes in all.
    public var bytesTotal: Int64 = 0

    /// Progress of `operation`, nothing done yet.
    public init(operation: String, filesTotal: Int, bytesTotal: Int64) {
        self.operation = operation
        self.filesTotal = filesTotal
        self.bytesTotal = bytesTotal
    }
}

/// Receives progress reports.
public typealias WorkProgressHandler = @Sendable (WorkProgress) -> Void

/// Adds finished work to a running total and reports it, from any task.
final class ProgressCounter: Sendable {
    private let state: Mutex<WorkProgress>
    private let handler: WorkProgressHandler?

    init(_ start: WorkProgress, handler: WorkProgressHandler?) {
        state = Mutex(start)
        self.handler = handler
        handler?(start)
    }

    /// Counts `files` files of `bytes` bytes as done and reports the total.
    func add(files: Int, bytes: Int64) {
        guard let handler else { return }
        let now = state.withLock { p in
            p.filesDone += files
            p.bytesDone += bytes
            return p
        }
        handler(now)
    }
}
