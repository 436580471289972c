import Metrics

/// What streams report through swift-metrics (any backend a service bootstraps: Prometheus,
/// StatsD, OpenTelemetry…), dimensioned by `stream` (the stream id) and `kind` (`writer` or
/// `committer`):
///
/// - `iceberg_stream_commits_total`, `iceberg_stream_records_total`, `iceberg_stream_rows_total`,
///   `iceberg_stream_files_total`, `iceberg_stream_bytes_total`, `iceberg_stream_retries_total`
///   (counters);
/// - `iceberg_stream_commit_latency` (from the first record buffered to the commit) and
///   `iceberg_stream_commit_duration` (closing the files and committing) (timers);
/// - `iceberg_stream_failures_total` (counter; `reason`: `fenced` or `commit`).
enum StreamMetrics {
    static func committed(_ c: StreamCommit, stream: String, kind: String, duration: Duration) {
        let dimensions = [("stream", stream), ("kind", kind)]
        Counter(label: "iceberg_stream_commits_total", dimensions: dimensions).increment()
        Counter(label: "iceberg_stream_records_total", dimensions: dimensions).increment(by: c.records)
        Counter(label: "iceberg_stream_rows_total", dimensions: dimensions).increment(by: c.rows)
        Counter(label: "iceberg_stream_files_total", dimensions: dimensions).increment(by: c.files)
        Counter(label: "iceberg_stream_bytes_total", dimensions: dimensions).increment(by: Int(c.bytes))
        Counter(label: "iceberg_stream_retries_total", dimensions: dimensions).increment(by: c.retries)
        Timer(label: "iceberg_stream_commit_latency", dimensions: dimensions)
            .recordNanoseconds(Int64(c.latencyMs * 1_000_000))
        Timer(label: "iceberg_stream_commit_duration", dimensions: dimensions)
            .recordNanoseconds(Int64(duration.milliseconds * 1_000_000))
    }

    static func failed(_ error: any Error, stream: String, kind: String) {
        let reason = error is StreamError ? "fenced" : "commit"
        Counter(
            label: "iceberg_stream_failures_total",
            dimensions: [("stream", stream), ("kind", kind), ("reason", reason)]
        ).increment()
    }
}
