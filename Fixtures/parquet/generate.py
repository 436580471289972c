"""Generates the golden Parquet files in this folder with the real peers (pyarrow, DuckDB)
and, next to each NAME.parquet, NAME.jsonl: the rows as pyarrow reads them, in the SDK's
JSON value convention. Run with the project's venv: `make fixtures`.
"""
import datetime
import decimal
import os
import random
import sys
import uuid

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "InteropTests", "Python"))
from arrow_json import table_rows  # noqa: E402

import json  # noqa: E402

N = 300


def rng_values(seed):
    return random.Random(seed)


def maybe(r, v, p=0.15):
    return None if r.random() < p else v


def all_types_table(seed=1, rows=N):
    r = rng_values(seed)
    utc = datetime.timezone.utc
    epoch = datetime.datetime(1970, 1, 1)
    cols = {
        "bool": pa.array([maybe(r, r.random() < 0.5) for _ in range(rows)], pa.bool_()),
        "i8": pa.array([maybe(r, r.randint(-128, 127)) for _ in range(rows)], pa.int8()),
        "i16": pa.array([maybe(r, r.randint(-32768, 32767)) for _ in range(rows)], pa.int16()),
        "i32": pa.array([maybe(r, r.randint(-2**31, 2**31 - 1)) for _ in range(rows)], pa.int32()),
        "i64": pa.array([r.randint(-2**63, 2**63 - 1) for _ in range(rows)], pa.int64()),
        "u8": pa.array([maybe(r, r.randint(0, 255)) for _ in range(rows)], pa.uint8()),
        "u16": pa.array([maybe(r, r.randint(0, 65535)) for _ in range(rows)], pa.uint16()),
        "u32": pa.array([maybe(r, r.randint(0, 2**32 - 1)) for _ in range(rows)], pa.uint32()),
        "u64": pa.array([maybe(r, r.randint(0, 2**64 - 1)) for _ in range(rows)], pa.uint64()),
        "f16": pa.array([maybe(r, r.randint(-2000, 2000) / 8) for _ in range(rows)], pa.float32()).cast(pa.float16()),
        "f32": pa.array([maybe(r, r.choice([float("nan"), float("inf"), r.randint(-10**6, 10**6) / 64])) for _ in range(rows)], pa.float32()),
        "f64": pa.array([maybe(r, r.uniform(-1e9, 1e9)) for _ in range(rows)], pa.float64()),
        "dec9": pa.array([maybe(r, decimal.Decimal(r.randint(-10**9 + 1, 10**9 - 1)).scaleb(-2)) for _ in range(rows)], pa.decimal128(9, 2)),
        "dec18": pa.array([maybe(r, decimal.Decimal(r.randint(-10**18 + 1, 10**18 - 1)).scaleb(-4)) for _ in range(rows)], pa.decimal128(18, 4)),
        "dec38": pa.array([maybe(r, decimal.Decimal(r.randint(-10**38 + 1, 10**38 - 1)).scaleb(-10)) for _ in range(rows)], pa.decimal128(38, 10)),
        "date": pa.array([maybe(r, datetime.date(1970, 1, 1) + datetime.timedelta(days=r.randint(-30000, 30000))) for _ in range(rows)], pa.date32()),
        "time_ms": pa.array([maybe(r, r.randint(0, 86399999)) for _ in range(rows)], pa.int32()).cast(pa.time32("ms")),
        "time_us": pa.array([maybe(r, r.randint(0, 86399999999)) for _ in range(rows)], pa.int64()).cast(pa.time64("us")),
        "time_ns": pa.array([maybe(r, r.randint(0, 86399999999999)) for _ in range(rows)], pa.int64()).cast(pa.time64("ns")),
        "ts_ms": pa.array([maybe(r, r.randint(-10**12, 10**13)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("ms")),
        "ts_us": pa.array([maybe(r, r.randint(-10**15, 10**16)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("us")),
        "ts_ns": pa.array([maybe(r, r.randint(-2**62, 2**62)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("ns")),
        "tstz_us": pa.array([maybe(r, r.randint(-10**15, 10**16)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "str": pa.array([maybe(r, r.choice(["alpha", "beta", "gamma", "δέλτα", "", "x" * 40, "quote\"back\\slash\nnl"])) for _ in range(rows)], pa.string()),
        "large_str": pa.array([maybe(r, "ls-%d" % r.randint(0, 50)) for _ in range(rows)], pa.large_string()),
        "bin": pa.array([maybe(r, bytes(r.randint(0, 255) for _ in range(r.randint(0, 6)))) for _ in range(rows)], pa.binary()),
        "fixed4": pa.array([maybe(r, bytes(r.randint(0, 255) for _ in range(4))) for _ in range(rows)], pa.binary(4)),
        "uuid": pa.array([maybe(r, uuid.UUID(int=r.getrandbits(128)).bytes) for _ in range(rows)], pa.binary(16)).cast(pa.uuid()),
        "list_i32": pa.array([maybe(r, [maybe(r, r.randint(-9, 9)) for _ in range(r.randint(0, 4))]) for _ in range(rows)], pa.list_(pa.int32())),
        "list_list_str": pa.array([maybe(r, [maybe(r, ["s%d" % r.randint(0, 9) for _ in range(r.randint(0, 3))]) for _ in range(r.randint(0, 3))]) for _ in range(rows)],
                                  pa.list_(pa.list_(pa.string()))),
        "map_str_i64": pa.array([maybe(r, [("k%d" % j, maybe(r, r.randint(0, 100))) for j in range(r.randint(0, 3))]) for _ in range(rows)],
                                pa.map_(pa.string(), pa.int64())),
        "struct": pa.array([maybe(r, {"a": r.randint(0, 9), "b": maybe(r, "b%d" % r.randint(0, 9)),
                                      "c": maybe(r, {"d": maybe(r, r.random() < 0.5), "e": [r.randint(0, 3) for _ in range(r.randint(0, 2))]})})
                            for _ in range(rows)],
                           pa.struct([pa.field("a", pa.int32(), nullable=False), ("b", pa.string()),
                                      ("c", pa.struct([("d", pa.bool_()), ("e", pa.list_(pa.int16()))]))])),
        "list_struct": pa.array([[{"k": "k%d" % j, "v": maybe(r, r.uniform(0, 1))} for j in range(r.randint(0, 3))] for _ in range(rows)],
                                pa.list_(pa.struct([("k", pa.string()), ("v", pa.float64())]))),
    }
    return pa.table(cols)


def write_expected(name, path):
    table = pq.ParquetFile(path, arrow_extensions_enabled=True).read(use_threads=False)
    with open(os.path.join(HERE, name + ".jsonl"), "w") as f:
        for row in table_rows(table):
            f.write(json.dumps(row, allow_nan=False, ensure_ascii=False) + "\n")


def pyarrow_file(name, table, **kwargs):
    path = os.path.join(HERE, name + ".parquet")
    pq.write_table(table, path, **kwargs)
    write_expected(name, path)


def main():
    table = all_types_table()
    pyarrow_file("pyarrow_snappy_v1", table, compression="snappy", data_page_version="1.0")
    pyarrow_file("pyarrow_zstd_v2", table, compression="zstd", data_page_version="2.0",
                 row_group_size=120, data_page_size=512, write_page_index=True)
    pyarrow_file("pyarrow_gzip_legacy_v1_format", table.drop_columns(["f16", "uuid", "time_ns", "ts_ns"]),
                 compression="gzip", version="1.0", use_compliant_nested_type=False)
    plain = table.select(["i32", "i64", "f32", "f64", "str", "bin", "fixed4", "dec18", "ts_us", "list_i32", "bool"])
    # pyarrow's "lz4" is LZ4_RAW; data page v2 so levels stay uncompressed beside LZ4 values.
    pyarrow_file("pyarrow_lz4_raw_v2", table, compression="lz4", data_page_version="2.0", row_group_size=150)
    pyarrow_file("pyarrow_brotli_v1", table, compression="brotli", data_page_version="1.0")
    pyarrow_file("pyarrow_delta_bss", plain, compression="none", use_dictionary=False, data_page_version="2.0",
                 column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "ts_us": "DELTA_BINARY_PACKED",
                                  "list_i32": "DELTA_BINARY_PACKED", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
                                  "fixed4": "BYTE_STREAM_SPLIT", "dec18": "BYTE_STREAM_SPLIT",
                                  "str": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY", "bool": "RLE"})
    pyarrow_file("pyarrow_delta_byte_array_fixed", table.select(["fixed4", "uuid"]), use_dictionary=False,
                 column_encoding={"fixed4": "DELTA_BYTE_ARRAY", "uuid": "DELTA_BYTE_ARRAY"})
    pyarrow_file("pyarrow_int96", table.select(["ts_ms", "ts_us", "ts_ns", "tstz_us"]), use_deprecated_int96_timestamps=True)
    pyarrow_file("pyarrow_dictionary_fallback", pa.table({
        "unique": pa.array(["value-%06d" % i for i in range(8000)]),
        "few": pa.array(["v%d" % (i % 5) for i in range(8000)]),
    }), dictionary_pagesize_limit=2048, compression="snappy")

    # DuckDB writes its own Parquet (different page layout, statistics and types).
    path = os.path.join(HERE, "duckdb_types.parquet")
    con = duckdb.connect()
    con.execute("SET threads=1")
    con.execute(f"""
        COPY (
          SELECT i AS id,
                 CASE WHEN i % 7 = 0 THEN NULL ELSE 'name-' || (i % 13) END AS name,
                 (i * 1.25)::DECIMAL(10,2) AS price,
                 (i * 123456789.123)::DECIMAL(30,5) AS big,
                 DATE '2020-01-01' + i::INTEGER AS day,
                 TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (i) SECOND AS ts,
                 TIMESTAMPTZ '2020-01-01 00:00:00+00' + INTERVAL (i * 37) MINUTE AS tstz,
                 ('00000000-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u,
                 [i, i + 1, NULL] AS lst,
                 {{'a': i, 'b': 'x' || i}} AS st,
                 MAP {{'k' || (i % 3): i}} AS m,
                 i % 2 = 0 AS flag,
                 (i / 3.0)::DOUBLE AS dbl,
                 (i % 100)::TINYINT AS tiny,
                 i::UBIGINT * 1000 AS ubig
          FROM range(0, 500) t(i)
        ) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 200)
    """)
    write_expected("duckdb_types", path)

    # DuckDB's Parquet format v2 writer: data page v2 with DELTA_* and BYTE_STREAM_SPLIT encodings.
    path = os.path.join(HERE, "duckdb_v2_encodings.parquet")
    con.execute(f"""
        COPY (
          SELECT i AS id, 'text-' || (i * 7919 % 1000) AS s, (i * 0.5)::DOUBLE AS d, (i % 17)::INTEGER AS small,
                 CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1000000 END AS big, [i::VARCHAR, 'x'] AS l
          FROM range(0, 3000) t(i)
        ) TO '{path}' (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION V2, ROW_GROUP_SIZE 1000)
    """)
    write_expected("duckdb_v2_encodings", path)

    # polars writes with its own Rust implementation (polars-parquet).
    import polars as pl
    path = os.path.join(HERE, "polars_types.parquet")
    frame = pl.from_arrow(table.select(["i32", "i64", "f64", "str", "bin", "date", "ts_us", "tstz_us", "dec18",
                                        "list_i32", "list_list_str", "struct", "bool"]))
    frame.write_parquet(path, compression="zstd", statistics=True, row_group_size=100)
    write_expected("polars_types", path)


if __name__ == "__main__":
    main()
