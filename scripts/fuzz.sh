#!/usr/bin/env bash
# Runs the libFuzzer targets of Fuzz/ (built by `make fuzz-build`) for SECONDS each:
#   scripts/fuzz.sh SECONDS TARGET...
# With FUZZ_RUNS=N in the environment a target stops after N executions (or SECONDS, first);
# FUZZ_RSS_LIMIT_MB raises the memory a run may reach (default 2048: the address sanitizer's
# quarantine and libFuzzer's own tables grow over millions of executions), and FUZZ_ASAN_OPTIONS
# adds sanitizer options (the long rest run used quarantine_size_mb=16).
# Each starts from its committed seeds (Fuzz/seeds/TARGET, plus golden fixtures for some) and
# what earlier runs found (Fuzz/.corpus/TARGET, not committed). A crash, hang, sanitizer report
# or allocation beyond the limits is saved under Fuzz/.findings/TARGET and fails the run.
# Leak detection is off: Swift keeps pointers in enum payloads with tag bits set, which
# LeakSanitizer cannot follow, so it reports objects still in use as leaked.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
binary=Fuzz/.build/release/iceberg-fuzz
status=0
for target in "$@"; do
    seeds=("Fuzz/seeds/$target")
    case $target in
        parquet) seeds+=(Fixtures/parquet Fixtures/parquet/malformed) ;;
        avro) seeds+=(Fuzz/seeds/manifest) ;;
    esac
    existing=()
    for d in "${seeds[@]}"; do [ -d "$d" ] && existing+=("$d"); done
    mkdir -p "Fuzz/.corpus/$target" "Fuzz/.findings/$target"
    log="Fuzz/.findings/$target.log"
    started=$SECONDS
    runs=()
    [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
    ASAN_OPTIONS=detect_leaks=0${FUZZ_ASAN_OPTIONS:+:$FUZZ_ASAN_OPTIONS} ICEBERG_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" "${runs[@]}" -timeout=10 \
        -rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}" \
        -malloc_limit_mb=1024 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="Fuzz/.findings/$target/" \
        "Fuzz/.corpus/$target" "${existing[@]}" >"$log" 2>&1 || true
    execs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    if ls "Fuzz/.findings/$target/"* >/dev/null 2>&1; then
        echo "fuzz $target: FINDINGS after ${execs:-?} executions (Fuzz/.findings/$target, log $log)"
        grep -E '^==|SUMMARY|Fatal error|runtime failure' "$log" | head -5 || true
        status=1
    else
        echo "fuzz $target: ${execs:-?} executions in $((SECONDS - started)) s, no findings"
    fi
done
exit $status
