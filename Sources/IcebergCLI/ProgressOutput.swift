import ArgumentParser
import Foundation
import Iceberg
import JSONSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How long work shows its progress on standard error.
enum ProgressStyle: String, ExpressibleByArgument, Sendable {
    /// A bar when standard error is a terminal, else nothing.
    case auto
    /// A bar redrawn in place.
    case bar
    /// One JSON object per report.
    case json
    /// Nothing.
    case none
}

/// `--progress` and `--quiet`, for commands that run long.
struct ProgressOptions: ParsableArguments {
    @Option(help: "Progress on standard error: bar, json (one object per line), none or auto (a bar on a terminal).")
    var progress: ProgressStyle = .auto
    @Flag(help: "No progress output.") var quiet = false

    /// The handler that prints progress as asked (nil: nothing to print).
    func handler() -> WorkProgressHandler? {
        var style = quiet ? .none : progress
        if style == .auto { style = isatty(2) == 1 ? .bar : .none }
        guard style != .none else { return nil }
        let printer = ProgressPrinter(style: style)
        return { printer.report($0) }
    }
}

/// Prints progress reports: rate and time left from the bytes done since the first report.
final class ProgressPrinter: Sendable {
    let style: ProgressStyle
    private let started = Date()
    private let lastBar = Mutex<Date?>(nil)

    init(style: ProgressStyle) { self.style = style }

    func report(_ p: WorkProgress) {
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(p.bytesDone) / elapsed : 0
        let left = rate > 0 ? Double(p.bytesTotal - p.bytesDone) / rate : nil
        switch style {
        case .json:
            let line = JSONValue.object([
                ("operation", .string(p.operation)), ("files-done", .int(Int64(p.filesDone))),
                ("files-total", .int(Int64(p.filesTotal))), ("bytes-done", .int(p.bytesDone)),
                ("bytes-total", .int(p.bytesTotal)), ("bytes-per-second", .int(Int64(rate))),
                ("seconds-left", left.map { .int(Int64($0.rounded())) } ?? .null),
            ])
            printError(line.serialized())
        case .bar:
            let done = p.filesDone == p.filesTotal
            let due = lastBar.withLock { last -> Bool in
                guard done || last.map({ Date().timeIntervalSince($0) >= 0.1 }) ?? true else { return false }
                last = Date()
                return true
            }
            guard due else { return }
            let width = 30
            let filled = p.bytesTotal > 0 ? Int(Double(width) * Double(p.bytesDone) / Double(p.bytesTotal)) : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            var text =
                "\r[\(bar)] \(p.filesDone)/\(p.filesTotal) files, \(Self.bytes(p.bytesDone)) of \(Self.bytes(p.bytesTotal))"
            text += ", \(Self.bytes(Int64(rate)))/s"
            if let left, !done { text += ", \(Self.duration(left)) left" }
            FileHandle.standardError.write(Data((text + (done ? "\n" : "")).utf8))
        case .auto, .none:
            return
        }
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var i = 0
        while v >= 1000 && i < units.count - 1 {
            v /= 1000
            i += 1
        }
        return i == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[i])
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
