import ArgumentParser
import Iceberg
import JSONSupport
import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Errors already reported on stderr; exit non-zero without a second message.
struct ReportedFailure: Error {}

/// The error a command exits with: usage errors pass through for ArgumentParser to print,
/// anything else is printed as one clear line on stderr and becomes a failure exit.
func reported(_ error: Error) -> Error {
    if error is ValidationError || error is ReportedFailure || error is ExitCode { return error }
    printError("error: \(error)")
    return ExitCode.failure
}

/// Runs a command body, reporting errors as `reported(_:)` says.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw reported(error) }
}

/// Runs an async command body, reporting errors as `reported(_:)` says.
func reportingErrorsAsync(_ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw reported(error) }
}

func readTextFile(_ path: String) throws -> String {
    let input = try FileInput(path: path)
    return String(decoding: try input.read(offset: 0, count: input.size), as: UTF8.self)
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// The rows of a JSON-lines file (standard input when nil), each with its line number; blank
/// lines are skipped. Every line is parsed before anything is written, so a bad row stops the
/// command with its number before any file exists. With `allowingNull`, `null` lines (Kafka
/// tombstones) are skipped too.
func readJSONRows(_ path: String?, allowingNull: Bool = false) throws -> [(Int, JSONValue)] {
    var fd: Int32 = 0
    if let path {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ValidationError("cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
    }
    defer { if fd != 0 { close(fd) } }
    var reader = LineReader(fd: fd)
    var rows: [(Int, JSONValue)] = []
    var row = 0
    // Parse everything first so a bad row fails before any file is written.
    try reader.forEachLine { line in
        row += 1
        var blank = true
        for b in line where b != 0x20 && b != 0x09 {
            blank = false
            break
        }
        if blank { return }
        let v = try parseJSONLine(line, number: row, what: "row")
        guard case .object = v else {
            if allowingNull && v == .null { return }
            throw IcebergError.invalidValue(row: row, field: "", detail: "a row must be a JSON object")
        }
        rows.append((row, v))
    }
    return rows
}

/// One line of JSON text as a value; a malformed one is an error naming the line (`what`: the
/// thing a line holds, for the message).
func parseJSONLine(_ line: UnsafeBufferPointer<UInt8>, number: Int, what: String) throws -> JSONValue {
    do {
        var scanner = JSONScanner(line)
        let v = try scanner.parseValue(depth: 0)
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw scanner.error("unexpected text after the \(what)") }
        return v
    } catch let e as JSONParseError {
        throw IcebergError.invalidValue(row: number, field: "", detail: e.description)
    }
}

/// The summary of the snapshot a command made, as a JSON object (empty when it made none).
func snapshotSummary(_ table: Table, _ snapshotId: Int64?) -> JSONValue {
    let summary = snapshotId.flatMap { table.metadata.snapshot(id: $0) }?.summary ?? []
    return .object(summary.map { ($0.0, .string($0.1)) })
}
