import ArgumentParser
import Dispatch
import Foundation
import Iceberg
import JSONSupport

struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Stream JSON lines from standard input into a table, exactly once.",
        discussion: """
            Reads standard input as it arrives and commits on the interval (and at --commit-rows), each \
            commit recording the stream's position in the snapshot summary. A record's position is its line \
            number (replay the same input after a crash) or the integer --position-field. At start the \
            command prints the committed position and skips input at or below it, so running it again on \
            the same input adds nothing twice. End of input, SIGTERM or SIGINT flush and commit. Prints one \
            JSON line per commit. A bad record stops the command (non-zero exit) with its line and field and \
            nothing of the batch it was in committed, unless --skip-bad-records sets it aside.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "jsonl (rows), debezium or flat (change events).") var format = "jsonl"
    @Option(help: "The stream's id: its position is kept under it.") var streamId = "stdin"
    @Option(help: "Commit at least this often: 500ms, 1s, 10s, 5m.") var commitInterval = "60s"
    @Option(help: "Commit once this many records are buffered.") var commitRows: Int?
    @Option(help: "Commit once the buffered rows take this many bytes in memory (default 64 MiB).")
    var bufferBytes = 64 << 20
    @Option(help: "An integer field holding each record's position (default: the line number).")
    var positionField: String?
    @Flag(help: "Set bad records aside (see --bad-records) rather than stopping.") var skipBadRecords = false
    @Option(help: "With --skip-bad-records: append bad records and their errors to this file.")
    var badRecords: String?
    @Option(help: "Commit to this branch.") var branch = "main"

    func run() async throws {
        let changeFormat: ChangeEventFormat?
        switch format {
        case "jsonl": changeFormat = nil
        default:
            guard let f = ChangeEventFormat(rawValue: format) else {
                throw ValidationError("--format must be jsonl, debezium or flat, not '\(format)'")
            }
            changeFormat = f
        }
        guard let interval = Self.duration(commitInterval) else {
            throw ValidationError("--commit-interval takes 500ms, 1s, 10s or 5m, not '\(commitInterval)'")
        }
        let positionKey = positionField ?? "line"
        let badFile = try badRecords.map { path -> FileHandle in
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil)
            }
            guard let h = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write '\(path)'") }
            h.seekToEndOfFile()
            return h
        }
        try await options.withTable(table) { table in
            var o = StreamWriter.Options(streamId: streamId)
            o.branch = branch
            o.commitInterval = interval
            o.maxBufferedRows = commitRows
            o.maxBufferedBytes = bufferBytes
            o.onCommit = { commit in
                var out = StandardOutput()
                out.line(Self.line(commit).serialized())
                out.flush()
            }
            let writer = try StreamWriter(table: table, options: o)
            let committed = await writer.resumePositions?[positionKey]
            options.emit(
                .object([
                    ("stream-id", .string(streamId)),
                    ("committed-position", committed.map { .int($0) } ?? .null),
                ]))
            var validator = changeFormat == nil ? try JSONRowShredder(schema: table.schema) : nil
            // Plain rows of a flat table, positioned by line number, are shredded from the text
            // straight into columns (no JSON values); the rest go through parsed values.
            let parquet = try table.schema.parquetSchema()
            var columnar =
                changeFormat == nil && positionField == nil && !skipBadRecords
                    && parquet.columns.count == table.schema.fields.count
                    && parquet.columns.allSatisfy { $0.maxRepetitionLevel == 0 }
                ? try JSONRowShredder(schema: table.schema) : nil
            // A read can bring a whole replayed file: write it in pieces, so the row bound commits as it should.
            let piece = min(commitRows ?? 8_192, 8_192)
            let (reads, consumed) = Self.lines(signals: [SIGTERM, SIGINT])
            for await read in reads {
                defer { consumed.signal() }
                for start in stride(from: 0, to: read.count, by: piece) {
                    let lines = start..<min(read.count, start + piece)
                    if var shredder = columnar {
                        var highest: Int64?
                        for i in lines {
                            let number = read.first + i
                            if let committed, Int64(number) <= committed { continue }
                            try read.withLine(i) { text in
                                guard text.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                                try shredder.append(jsonLine: text, rowNumber: number)
                                highest = Int64(number)
                            }
                        }
                        let rows = shredder.rowCount
                        let columns = shredder.takeColumns()
                        columnar = shredder
                        guard let highest, rows > 0 else { continue }
                        try await writer.write(columns: columns, positions: SourcePositions([positionKey: highest]))
                        continue
                    }
                    var records: [(Int, JSONValue)] = []
                    var highest: Int64?
                    for i in lines {
                        let number = read.first + i
                        do {
                            guard
                                let (value, position) = try read.withLine(
                                    i,
                                    {
                                        try Self.record($0, line: number, positionField: positionField)
                                    })
                            else { continue }
                            if let committed, position <= committed { continue }
                            if skipBadRecords, var v = validator {
                                try v.append(value, rowNumber: number)
                                if v.rowCount >= 4096 { _ = v.takeColumns() }
                                validator = v
                            }
                            records.append((number, value))
                            highest = max(highest ?? position, position)
                        } catch {
                            guard skipBadRecords else { throw error }
                            if var v = validator {
                                _ = v.takeColumns()
                                validator = v
                            }
                            let entry = JSONValue.object([
                                ("line", .int(Int64(number))), ("error", .string("\(error)")),
                                ("record", .string(read.withLine(i) { String(decoding: $0, as: UTF8.self) })),
                            ])
                            badFile?.write(Data((entry.serialized() + "\n").utf8))
                        }
                    }
                    guard let highest else { continue }
                    let positions = SourcePositions([positionKey: highest])
                    if let changeFormat {
                        try await writer.write(
                            changes: records.map { (lineNumber: $0.0, event: $0.1) }, format: changeFormat,
                            positions: positions)
                    } else {
                        try await writer.write(
                            jsonRows: records.map { (rowNumber: $0.0, row: $0.1) }, positions: positions)
                    }
                }
            }
            try await writer.close()
        }
    }

    /// A commit's summary line.
    static func line(_ c: StreamCommit) -> JSONValue {
        .object(
            [
                ("snapshot-id", c.snapshotId.map { .int($0) } ?? .null), ("commit-id", .string(c.commitId)),
                ("records", .int(Int64(c.records))), ("rows", .int(Int64(c.rows))), ("files", .int(Int64(c.files))),
                ("bytes", .int(c.bytes)),
                ("positions", .object(c.positions.keys.sorted().map { ($0, .int(c.positions[$0]!)) })),
                ("latency-ms", .double((c.latencyMs * 10).rounded() / 10)), ("retries", .int(Int64(c.retries))),
            ] + (c.strategy.map { [("strategy", JSONValue.string($0))] } ?? []))
    }

    /// The JSON value of one line and its position (the line number, or the position
    /// field); nil for a blank line or a `null` (a tombstone).
    static func record(_ text: UnsafeBufferPointer<UInt8>, line: Int, positionField: String?) throws
        -> (JSONValue, Int64)?
    {
        guard text.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        let value = try parseJSONLine(text, number: line, what: "record")
        if value == .null { return nil }
        guard case .object = value else {
            throw IcebergError.invalidValue(row: line, field: "", detail: "a record must be a JSON object")
        }
        guard let positionField else { return (value, Int64(line)) }
        guard let position = value[positionField]?.intValue else {
            throw IcebergError.invalidValue(row: line, field: positionField, detail: "the position must be an integer")
        }
        return (value, position)
    }

    /// Lines of standard input from one read: their bytes back to back, where each ends, and
    /// the number of the first (lines count from 1).
    struct LineBatch: Sendable {
        var first: Int
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var count: Int { ends.count }

        /// Calls `body` with line `i` of the batch (without its newline).
        func withLine<T>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
            let start = i == 0 ? 0 : ends[i - 1]
            return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<ends[i]])) }
        }
    }

    /// The lines of standard input in batches of what each read (of up to 1 MiB) brought, and
    /// the semaphore the consumer signals after each batch: the reader stays at most two
    /// batches ahead (memory bounded whatever the input's size). The stream ends at end of input or at one
    /// of `signals`.
    static func lines(signals: [Int32]) -> (AsyncStream<LineBatch>, DispatchSemaphore) {
        let consumed = DispatchSemaphore(value: 2)
        let stream = AsyncStream { (continuation: AsyncStream<LineBatch>.Continuation) in
            for s in signals {
                signal(s, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
                source.setEventHandler { continuation.finish() }
                source.resume()
                signalSources.append(source)
            }
            let thread = Thread {
                var reader = LineReader(fd: 0, capacity: 1 << 20)
                var batch = LineBatch(first: 1)
                try? reader.forEachLine(
                    { line in
                        batch.bytes.append(contentsOf: line)
                        batch.ends.append(batch.bytes.count)
                    },
                    afterLines: {
                        guard batch.count > 0 else { return }
                        consumed.wait()
                        continuation.yield(batch)
                        batch = LineBatch(first: batch.first + batch.count)
                    })
                if batch.count > 0 {
                    consumed.wait()
                    continuation.yield(batch)
                }
                continuation.finish()
            }
            thread.start()
        }
        return (stream, consumed)
    }

    /// The signal handlers (kept for the life of the process).
    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []

    /// A commit interval: `500ms`, `1s`, `10s`, `5m` (bare numbers are seconds).
    static func duration(_ text: String) -> Duration? {
        if text.hasSuffix("ms"), let n = Int(text.dropLast(2)), n > 0 { return .milliseconds(n) }
        guard let seconds = ServeCommand.seconds(text), seconds > 0 else { return nil }
        return .seconds(seconds)
    }
}
