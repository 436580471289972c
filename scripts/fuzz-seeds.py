"""Seed corpora for the fuzz targets (Fuzz/seeds/TARGET), made from files the peers write:

  thrift    the footers (FileMetaData) of the golden Parquet files (pyarrow, DuckDB, Polars)
  parquet   small pyarrow files: page indexes, dictionaries, nested columns, every codec, v1 and v2 pages
  avro      fastavro container files: every type, null/deflate/snappy codecs
  manifest  manifests and manifest lists PyIceberg (v2) and Iceberg Java in Spark (v3) write
  metadata  their table metadata JSON
  puffin    deletion vectors Iceberg Java in Spark writes (a v3 merge-on-read DELETE)
  filter    filter expressions as users type them
  rest      request bodies PyIceberg's REST models build, each behind the byte that picks its route

Run by `make fuzz-seeds`; the output is committed (small files only).
"""
import glob
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(REPO, "Fuzz", "seeds")
PYTHON_DIR = os.path.join(REPO, "Tests", "InteropTests", "Python")
sys.path.insert(0, PYTHON_DIR)
MAX_SEED = 64 << 10


def fresh(target):
    path = os.path.join(SEEDS, target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def keep(target, name, data):
    if len(data) <= MAX_SEED:
        with open(os.path.join(SEEDS, target, name), "wb") as f:
            f.write(data)


def thrift():
    fresh("thrift")
    for path in sorted(glob.glob(os.path.join(REPO, "Fixtures", "parquet", "*.parquet"))):
        data = open(path, "rb").read()
        length = struct.unpack("<I", data[-8:-4])[0]
        keep("thrift", os.path.basename(path) + ".footer", data[-8 - length:-8])


def parquet():
    import pyarrow as pa
    import pyarrow.parquet as pq
    fresh("parquet")
    table = pa.table({
        "id": pa.array(range(200), pa.int64()),
        "small": pa.array([i % 7 for i in range(200)], pa.int32()),
        "name": pa.array([None if i % 9 == 0 else f"n{i % 13}" for i in range(200)]),
        "score": pa.array([i / 3 for i in range(200)], pa.float64()),
        "flag": pa.array([i % 2 == 0 for i in range(200)]),
        "tags": pa.array([[f"t{j}" for j in range(i % 3)] for i in range(200)], pa.list_(pa.string())),
        "point": pa.array([{"x": i, "y": None if i % 4 else i * 2} for i in range(200)],
                          pa.struct([("x", pa.int32()), ("y", pa.int64())])),
        "attrs": pa.array([[("k", i)] for i in range(200)], pa.map_(pa.string(), pa.int64())),
        "day": pa.array([i for i in range(200)], pa.date32()),
        "amount": pa.array([i * 100 for i in range(200)], pa.decimal128(10, 2)),
    })
    variants = [
        ("plain_v1", dict(compression="none", use_dictionary=False, data_page_version="1.0")),
        ("dict_snappy_v2", dict(compression="snappy", data_page_version="2.0")),
        ("zstd_page_index", dict(compression="zstd", write_page_index=True, data_page_size=256)),
        ("gzip_small_groups", dict(compression="gzip", row_group_size=50)),
        ("lz4_stats_off", dict(compression="lz4", write_statistics=False)),
        ("brotli_delta", dict(compression="brotli", use_dictionary=False,
                              column_encoding={"id": "DELTA_BINARY_PACKED", "small": "DELTA_BINARY_PACKED",
                                               "score": "BYTE_STREAM_SPLIT"})),
    ]
    for name, options in variants:
        buffer = io.BytesIO()
        pq.write_table(table, buffer, **options)
        keep("parquet", name + ".parquet", buffer.getvalue())


def avro():
    import fastavro
    fresh("avro")
    schema = {
        "type": "record", "name": "r", "fields": [
            {"name": "i", "type": "int"}, {"name": "l", "type": ["null", "long"]}, {"name": "s", "type": "string"},
            {"name": "b", "type": "bytes"}, {"name": "d", "type": "double"}, {"name": "f", "type": "float"},
            {"name": "flag", "type": "boolean"}, {"name": "arr", "type": {"type": "array", "items": "long"}},
            {"name": "m", "type": {"type": "map", "values": "string"}},
            {"name": "fx", "type": {"type": "fixed", "name": "fx", "size": 4}},
            {"name": "e", "type": {"type": "enum", "name": "e", "symbols": ["A", "B"]}},
            {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
            {"name": "nested", "type": ["null", {"type": "record", "name": "n", "fields": [{"name": "x", "type": "int"}]}]},
        ]}
    records = [{"i": i, "l": None if i % 3 == 0 else i * 1000, "s": f"s{i}", "b": bytes([i % 256]) * (i % 5),
                "d": i / 7, "f": i / 3, "flag": i % 2 == 0, "arr": list(range(i % 4)), "m": {"k": str(i)},
                "fx": b"abcd", "e": "A" if i % 2 else "B", "dec": __import__("decimal").Decimal(i) / 100,
                "nested": None if i % 2 else {"x": i}} for i in range(40)]
    for codec in ["null", "deflate", "snappy"]:
        buffer = io.BytesIO()
        try:
            fastavro.writer(buffer, fastavro.parse_schema(schema), records, codec=codec, sync_interval=512)
        except ValueError:
            continue  # a codec this fastavro cannot write
        keep("avro", f"records_{codec}.avro", buffer.getvalue())


def pyiceberg_table():
    """A v2 table PyIceberg writes: appends, a delete, a schema change. Returns its folder."""
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import BucketTransform, DayTransform
    from pyiceberg.types import LongType, NestedField, StringType, TimestampType
    from pyiceberg.expressions import LessThan
    import datetime
    root = tempfile.mkdtemp(prefix="fuzz-seeds-")
    catalog = SqlCatalog("seeds", uri=f"sqlite:///{root}/catalog.db", warehouse=f"file://{root}/warehouse")
    catalog.create_namespace("ns")
    schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "name", StringType(), required=False),
                    NestedField(3, "ts", TimestampType(), required=False))
    spec = PartitionSpec(PartitionField(3, 1000, DayTransform(), "ts_day"), PartitionField(1, 1001, BucketTransform(4), "id_bucket"))
    table = catalog.create_table("ns.t", schema, partition_spec=spec)
    for k in range(3):
        table.append(pa.table({
            "id": pa.array(range(k * 10, k * 10 + 10), pa.int64()),
            "name": pa.array([f"n{i}" for i in range(10)]),
            "ts": pa.array([datetime.datetime(2024, 1, 1 + i % 3) for i in range(10)], pa.timestamp("us")),
        }))
    table.delete(LessThan("id", 5))
    with table.update_schema() as update:
        update.add_column("extra", StringType())
    return os.path.join(root, "warehouse")


def spark_v3_table():
    """A v3 table Iceberg Java writes in Spark, with deletion vectors. Returns its folder, or None
    when Spark cannot run here."""
    from pyiceberg.catalog.sql import SqlCatalog
    root = tempfile.mkdtemp(prefix="fuzz-seeds-spark-")
    # The catalog file with its tables, as PyIceberg's SqlCatalog makes it (Java's JdbcCatalog opens it).
    SqlCatalog("seeds", uri=f"sqlite:///{root}/catalog.db", warehouse=f"file://{root}/warehouse").create_namespace("ns")
    requests = [
        {"catalog": "seeds", "db": f"{root}/catalog.db", "warehouse": f"{root}/warehouse"},
        {"sql": "CREATE TABLE seeds.ns.v3 (id BIGINT, name STRING) USING iceberg PARTITIONED BY (bucket(2, id)) "
                "TBLPROPERTIES ('format-version'='3', 'write.delete.mode'='merge-on-read')"},
        {"sql": "INSERT INTO seeds.ns.v3 SELECT id, concat('n', id) FROM range(0, 300)"},
        {"sql": "DELETE FROM seeds.ns.v3 WHERE id % 7 = 0"},
        {"sql": "DELETE FROM seeds.ns.v3 WHERE id < 40"},
    ]
    process = subprocess.run([sys.executable, os.path.join(PYTHON_DIR, "spark_peer.py")],
                             input="\n".join(json.dumps(r) for r in requests) + "\n", capture_output=True, text=True)
    answers = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or any("error" in a for a in answers):
        print("Spark could not write the v3 table:", process.stderr[-2000:], answers, file=sys.stderr)
        return None
    return os.path.join(root, "warehouse")


def iceberg_files(folders):
    fresh("manifest")
    fresh("metadata")
    fresh("puffin")
    for n, folder in enumerate(f for f in folders if f):
        for path in sorted(glob.glob(os.path.join(folder, "**", "*"), recursive=True)):
            name = f"{n}_{os.path.basename(path)}"
            data = open(path, "rb").read() if os.path.isfile(path) else None
            if data is None:
                continue
            if path.endswith(".avro"):
                keep("manifest", name, data)
            elif path.endswith(".metadata.json"):
                keep("metadata", name, data)
            elif path.endswith(".puffin"):
                keep("puffin", name, data)
    for path in sorted(glob.glob(os.path.join(REPO, "Fixtures", "iceberg", "warehouse", "**", "*.metadata.json"), recursive=True))[:40]:
        keep("metadata", "golden_" + os.path.basename(path), open(path, "rb").read())


def filters():
    fresh("filter")
    examples = [
        "id = 5", "id > 10 and name = 'x'", "id in (1, 2, 3) or ts < '2024-01-01T00:00:00'",
        "not (score >= 1.5e3)", "name is null", "name is not null and name not in ('a', 'b')",
        "name like 'ab%'", "name not like '%z'", "amount between 1.25 and 9.99", "d = date '2024-02-29'",
        "(a = 1 or b = 2) and (c <> 3 or not d = 4)", "nested.field.x = -9223372036854775808",
        "uuid_col = '123e4567-e89b-12d3-a456-426614174000'", "id != 5", "\"quoted col\" = 'it''s'",
    ]
    for i, text in enumerate(examples):
        keep("filter", f"filter_{i}.txt", text.encode())


def rest_bodies():
    from pyiceberg.catalog import rest
    fresh("rest")
    # Routes as the rest target numbers them (FuzzTargets.rest).
    namespace, create, commit, transaction, rename, register, properties, token = range(8)
    commit_body = subprocess.run([sys.executable, os.path.join(PYTHON_DIR, "rest_wire_peer.py"), "commit"],
                                 capture_output=True, text=True, check=True).stdout
    bodies = [
        (namespace, json.dumps({"namespace": ["a", "b"], "properties": {"owner": "x"}})),
        (create, json.dumps({"name": "t2", "schema": {"type": "struct", "schema-id": 0, "fields": [
            {"id": 1, "name": "id", "required": False, "type": "long"},
            {"id": 2, "name": "l", "required": False, "type": {"type": "list", "element-id": 3, "element": "string", "element-required": False}}]},
            "partition-spec": {"spec-id": 0, "fields": [{"source-id": 1, "field-id": 1000, "name": "b", "transform": "bucket[4]"}]},
            "write-order": {"order-id": 1, "fields": [{"source-id": 1, "transform": "identity", "direction": "asc", "null-order": "nulls-first"}]},
            "properties": {"format-version": "2"}})),
        (commit, commit_body),
        (transaction, json.dumps({"table-changes": [dict(json.loads(commit_body), identifier={"namespace": ["ns"], "name": "t"})]})),
        (rename, json.dumps({"source": {"namespace": ["ns"], "name": "t"}, "destination": {"namespace": ["ns"], "name": "u"}})),
        (register, json.dumps({"name": "r", "metadata-location": "/nonexistent/v1.metadata.json"})),
        (properties, json.dumps({"removals": ["a"], "updates": {"b": "c"}})),
        (token, "grant_type=client_credentials&client_id=a&client_secret=b"),
    ]
    for i, (route, body) in enumerate(bodies):
        keep("rest", f"route{route}_{i}", bytes([route]) + body.encode())
    _ = rest  # PyIceberg's models validate the commit body the peer script built


def main():
    thrift()
    parquet()
    avro()
    iceberg_files([pyiceberg_table(), spark_v3_table()])
    filters()
    rest_bodies()
    for target in sorted(os.listdir(SEEDS)):
        files = os.listdir(os.path.join(SEEDS, target))
        print(f"{target}: {len(files)} seeds, {sum(os.path.getsize(os.path.join(SEEDS, target, f)) for f in files)} bytes")


if __name__ == "__main__":
    main()
