import ArgumentParser
import Foundation
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered standard output.
struct StandardOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func line(_ s: String) {
        var s = s
        s.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(1, raw.baseAddress! + done, raw.count - done)
                if n <= 0 {
                    if errno == EINTR { continue }
                    break
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// An `Encodable` value (a plan, a result) as the JSON the CLI prints.
func encodedJSON(_ value: some Encodable) throws -> JSONValue {
    var bytes = Array(try JSONEncoder().encode(value))
    return try JSONValue.parse(bytes: &bytes)
}

/// Prints to standard error.
func printError(_ message: String) {
    var s = message + "\n"
    s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Reads standard input (or a file descriptor) in blocks and yields complete lines.
struct LineReader {
    let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false

    /// A reader of `fd` reading up to `capacity` bytes at a time (more for a longer line).
    init(fd: Int32, capacity: Int = 1 << 22) {
        self.fd = fd
        buffer = [UInt8](repeating: 0, count: capacity)
    }

    /// Calls `body` with each line (without the newline); stops at end of input. `afterLines`
    /// runs whenever the lines read so far are done, before the next read waits for input.
    mutating func forEachLine(
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void, afterLines: () throws -> Void = {}
    ) throws {
        while true {
            // Emit complete lines in the buffer.
            var lineStart = start
            try buffer.withUnsafeBufferPointer { buf in
                let base = buf.baseAddress!
                while lineStart < end {
                    guard let nl = memchr(base + lineStart, 0x0A, end - lineStart) else { break }
                    let i = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    var lineEnd = i
                    if lineEnd > lineStart && buf[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    try body(UnsafeBufferPointer(rebasing: buf[lineStart..<lineEnd]))
                    lineStart = i + 1
                }
            }
            start = lineStart
            if !eof { try afterLines() }
            if eof {
                if start < end {
                    let s = start
                    let e = end
                    try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[s..<e])) }
                }
                return
            }
            // Move the partial line to the front, grow if a single line fills the buffer.
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    let n = end - start
                    if n > 0 { memmove(raw.baseAddress!, raw.baseAddress! + start, n) }
                }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let capacity = buffer.count - end
            let e = end
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + e, capacity) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ValidationError("cannot read input: \(String(cString: strerror(errno)))")
            }
            if n == 0 { eof = true } else { end += n }
        }
    }
}

/// How result rows are printed.
enum OutputFormat: String, ExpressibleByArgument, Sendable {
    /// One JSON object per line.
    case json
    /// Aligned columns with a header, long values truncated.
    case table
}

/// Prints result rows (JSON objects) as JSON lines, or collects them into an aligned table
/// printed by `finish()`.
struct RowPrinter {
    let format: OutputFormat
    /// Cells longer than this are cut, ending in `…`.
    var maxCellWidth = 40
    private var out = StandardOutput()
    private var columns: [String] = []
    private var rows: [[String: String]] = []

    init(format: OutputFormat) { self.format = format }

    /// Prints (or keeps) one row.
    mutating func row(_ value: JSONValue) {
        guard format == .table else {
            out.line(value.serialized())
            return
        }
        guard case .object(let pairs) = value else {
            rows.append(["value": cellText(value)])
            if !columns.contains("value") { columns.append("value") }
            return
        }
        var row: [String: String] = [:]
        for (k, v) in pairs {
            if !columns.contains(k) { columns.append(k) }
            row[k] = cellText(v)
        }
        rows.append(row)
    }

    /// Writes what is buffered.
    mutating func finish() {
        if format == .table, !columns.isEmpty {
            for line in Self.tableLines(columns: columns, rows: rows) { out.line(line) }
        }
        out.flush()
    }

    /// A header, a rule and one line per row, each column as wide as its widest cell.
    static func tableLines(columns: [String], rows: [[String: String]]) -> [String] {
        let widths = columns.map { c in rows.reduce(c.count) { max($0, $1[c]?.count ?? 0) } }
        func line(_ cells: [String]) -> String {
            var text = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(
                separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return [line(columns), line(widths.map { String(repeating: "-", count: $0) })]
            + rows.map { r in line(columns.map { r[$0] ?? "" }) }
    }

    /// The text of one cell: strings as they are, null empty, other values as JSON, cut to `maxCellWidth`.
    func cellText(_ v: JSONValue) -> String {
        var text: String
        switch v {
        case .null: text = ""
        case .string(let s): text = s
        default: text = v.serialized()
        }
        text = text.replacingOccurrences(of: "\n", with: " ")
        return text.count > maxCellWidth ? String(text.prefix(maxCellWidth - 1)) + "…" : text
    }
}
