"""Generates the golden Iceberg tables with PyIceberg (the real peer) and the rows PyIceberg
reads for every snapshot. Run with the project's venv: `make fixtures`.

PyIceberg records absolute locations, so the warehouse is generated at a fixed path
(WAREHOUSE) and copied here; tests copy it back to the same path before reading.
"""
import datetime
import decimal
import json
import os
import shutil
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import GreaterThanOrEqual, EqualTo
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import (BucketTransform, DayTransform, HourTransform, IdentityTransform, MonthTransform,
                                  TruncateTransform, YearTransform)
from pyiceberg.types import (DateType, DecimalType, DoubleType, IntegerType, LongType, NestedField, StringType,
                             TimestampType, TimestamptzType)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "InteropTests", "Python"))
from arrow_json import table_rows  # noqa: E402

WAREHOUSE = "/tmp/swift-iceberg-fixtures/warehouse"

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "ts", TimestamptzType(), required=False),
    NestedField(3, "day", DateType(), required=False),
    NestedField(4, "name", StringType(), required=False),
    NestedField(5, "amount", DecimalType(10, 2), required=False),
    NestedField(6, "category", StringType(), required=False),
    NestedField(7, "local_ts", TimestampType(), required=False),
    NestedField(8, "qty", IntegerType(), required=False),
)

ARROW_SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False), ("ts", pa.timestamp("us", tz="UTC")), ("day", pa.date32()),
    ("name", pa.string()), ("amount", pa.decimal128(10, 2)), ("category", pa.string()), ("local_ts", pa.timestamp("us")),
    ("qty", pa.int32()),
])


def rows(start, n):
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    out = []
    for i in range(start, start + n):
        ts = base + datetime.timedelta(hours=i * 7, minutes=i % 60)
        out.append({
            "id": i,
            "ts": None if i % 11 == 0 else ts,
            "day": None if i % 13 == 0 else (ts.date() - datetime.timedelta(days=400 * (i % 3))),
            "name": None if i % 9 == 0 else ["iceberg", "parquet", "avro", "swift", "日本語テキスト", "a"][i % 6] + str(i % 4),
            "amount": decimal.Decimal(i * 37 % 10000).scaleb(-2) * (-1 if i % 5 == 0 else 1),
            "category": ["books", "games", "music", None][i % 4],
            "local_ts": (ts.replace(tzinfo=None) - datetime.timedelta(days=3000)) if i % 7 else None,
            "qty": i % 17,
        })
    return pa.Table.from_pylist(out, schema=ARROW_SCHEMA)


TRANSFORMS = {
    "t_identity": (6, IdentityTransform(), "category"),
    "t_bucket": (1, BucketTransform(8), "id_bucket"),
    "t_bucket_string": (4, BucketTransform(4), "name_bucket"),
    "t_truncate": (4, TruncateTransform(3), "name_trunc"),
    "t_truncate_decimal": (5, TruncateTransform(50), "amount_trunc"),
    "t_year": (3, YearTransform(), "day_year"),
    "t_month": (2, MonthTransform(), "ts_month"),
    "t_day": (2, DayTransform(), "ts_day"),
    "t_hour": (7, HourTransform(), "local_ts_hour"),
}


def snapshot_rows(table):
    out = {}
    for snap in table.snapshots():
        t = table.scan(snapshot_id=snap.snapshot_id).to_arrow()
        rs = table_rows(t)
        rs.sort(key=lambda r: r["id"])
        out[str(snap.snapshot_id)] = rs
    return out


def main():
    shutil.rmtree("/tmp/swift-iceberg-fixtures", ignore_errors=True)
    os.makedirs(WAREHOUSE)
    catalog = SqlCatalog("default", uri=f"sqlite:///{WAREHOUSE}/catalog.db", warehouse=f"file://{WAREHOUSE}")
    catalog.create_namespace("golden")
    expected = {}
    for name, (source, transform, pname) in TRANSFORMS.items():
        spec = PartitionSpec(PartitionField(source_id=source, field_id=1000, transform=transform, name=pname))
        t = catalog.create_table(f"golden.{name}", schema=SCHEMA, partition_spec=spec)
        t.append(rows(0, 60))
        t.append(rows(60, 40))
        t = catalog.load_table(f"golden.{name}")
        files = t.inspect.files().to_pylist()
        partitions = sorted([{"file": os.path.basename(f["file_path"]),
                              "partition": {k: (v.isoformat() if hasattr(v, "isoformat") else (str(v) if isinstance(v, decimal.Decimal) else v))
                                            for k, v in (f["partition"] or {}).items()},
                              "record_count": f["record_count"]} for f in files], key=lambda x: x["file"])
        expected[name] = {"snapshots": snapshot_rows(t), "files": partitions}

    # A table that evolves: several appends, a copy-on-write delete, an added and a renamed column.
    t = catalog.create_table("golden.evolving", schema=SCHEMA,
                             partition_spec=PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=DayTransform(), name="ts_day")),
                             properties={"write.delete.mode": "copy-on-write"})
    t.append(rows(0, 50))
    t.append(rows(50, 50))
    t.delete(GreaterThanOrEqual("qty", 15))
    with t.update_schema() as update:
        update.add_column("note", StringType())
    t = catalog.load_table("golden.evolving")
    extra = rows(100, 30).append_column("note", pa.array([f"note {i}" if i % 2 else None for i in range(30)], pa.string()))
    t.append(extra)
    with t.update_schema() as update:
        update.rename_column("name", "label")
    t = catalog.load_table("golden.evolving")
    renamed = rows(130, 20).rename_columns(["id", "ts", "day", "label", "amount", "category", "local_ts", "qty"])
    renamed = renamed.append_column("note", pa.array(["late"] * 20, pa.string()))
    t.append(renamed)
    t.delete(EqualTo("category", "music"))
    t = catalog.load_table("golden.evolving")
    expected["evolving"] = {"snapshots": snapshot_rows(t), "files": []}
    expected["evolving"]["history"] = [
        {"snapshot_id": str(s.snapshot_id), "operation": s.summary.operation.value if s.summary else None,
         "schema_id": s.schema_id}
        for s in t.snapshots()]

    dest = os.path.join(HERE, "warehouse")
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(WAREHOUSE, dest)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)


if __name__ == "__main__":
    main()
