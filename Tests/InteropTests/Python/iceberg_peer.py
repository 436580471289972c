"""PyIceberg and DuckDB as Iceberg peers.

  iceberg_peer.py pyiceberg CATALOG_DB WAREHOUSE NAME TABLE   -> {"rows", "snapshots", "files"} via SqlCatalog
  iceberg_peer.py duckdb METADATA_JSON [SNAPSHOT_ID…]        -> {"rows", "snapshots": {id: rows}} via DuckDB's iceberg_scan
  iceberg_peer.py rename CATALOG_DB WAREHOUSE NAME TABLE OLD NEW -> renames a column through PyIceberg
  iceberg_peer.py history CATALOG_DB WAREHOUSE NAME TABLE     -> creates TABLE with 2 appends, a copy-on-write delete
                                                                 and an append: {"snapshots": [{"snapshot-id", "timestamp-ms"}]}
  iceberg_peer.py expire CATALOG_DB WAREHOUSE NAME TABLE MS    -> PyIceberg's expire_snapshots().older_than(MS): {"snapshot-ids"} left
  iceberg_peer.py deletable CATALOG_DB WAREHOUSE NAME TABLE   -> creates TABLE (identity(category)) with 3 appends of 40 rows,
                                                                 some qty null: {"snapshot-ids"}
  iceberg_peer.py delete CATALOG_DB WAREHOUSE NAME TABLE FILTER -> PyIceberg's delete(FILTER): {"summary"} of the current snapshot
Rows are in the SDK's JSON value convention, sorted by their JSON text.
"""
import glob
import json
import os
import sys

from arrow_json import table_rows


def sort_rows(rows):
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def pyiceberg(db, warehouse, name, table, row_filter=None):
    from pyiceberg.catalog.sql import SqlCatalog
    catalog = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse)
    t = catalog.load_table(table)
    files = []
    for f in t.inspect.files().to_pylist():
        part = f["partition"] or {}
        files.append({"file_path": f["file_path"], "record_count": f["record_count"],
                      "partition": {k: (v.isoformat() if hasattr(v, "isoformat") else (str(v) if v is not None and not isinstance(v, (int, float, str)) else v))
                                    for k, v in part.items()}})
    snapshots = {str(s.snapshot_id): sort_rows(table_rows(t.scan(snapshot_id=s.snapshot_id).to_arrow())) for s in t.snapshots()}
    filtered = sort_rows(table_rows(t.scan(row_filter=row_filter).to_arrow())) if row_filter else None
    return {"rows": sort_rows(table_rows(t.scan().to_arrow())), "snapshots": snapshots, "files": files, "filtered": filtered,
            "namespaces": [".".join(n) for n in catalog.list_namespaces()]}


def pyiceberg_current(db, warehouse, name, table):
    """The current rows only (a table of many snapshots)."""
    from pyiceberg.catalog.sql import SqlCatalog
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    return {"rows": sort_rows(table_rows(t.scan().to_arrow()))}


def duckdb_connection():
    """A DuckDB connection with the iceberg extension installed from the pinned PyPI packages (no network)."""
    import duckdb
    import duckdb_extension_avro
    import duckdb_extension_httpfs
    import duckdb_extension_iceberg
    import duckdb_extension_parquet
    con = duckdb.connect()
    for mod, name in [(duckdb_extension_parquet, "parquet"), (duckdb_extension_avro, "avro"), (duckdb_extension_httpfs, "httpfs"),
                      (duckdb_extension_iceberg, "iceberg")]:
        path = glob.glob(os.path.join(os.path.dirname(mod.__file__), "extensions", "*", f"{name}.duckdb_extension"))[0]
        con.execute(f"INSTALL '{path}'")
        con.execute(f"LOAD {name}")
    return con


def duckdb_scan(metadata, *snapshot_ids):
    con = duckdb_connection()
    table = con.execute(f"SELECT * FROM iceberg_scan('{metadata}')").arrow().read_all()
    snapshots = {s: sort_rows(table_rows(con.execute(f"SELECT * FROM iceberg_scan('{metadata}', snapshot_from_id => {int(s)})")
                                         .arrow().read_all())) for s in snapshot_ids}
    return {"rows": sort_rows(table_rows(table)), "snapshots": snapshots}


def rename_column(db, warehouse, name, table, old, new):
    from pyiceberg.catalog.sql import SqlCatalog
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    with t.update_schema() as update:
        update.rename_column(old, new)
    return {"name-mapping": t.refresh().properties.get("schema.name-mapping.default")}


def history(db, warehouse, name, table):
    import time
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import LongType, NestedField, StringType
    catalog = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse)
    catalog.create_namespace(table.split(".")[0])
    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "category", StringType()))
    t = catalog.create_table(table, schema=schema, partition_spec=PartitionSpec(PartitionField(2, 1000, IdentityTransform(), "category")))
    arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("category", pa.string())])

    def rows(lo, hi):
        return pa.table({"id": list(range(lo, hi)), "category": [["a", "b"][i % 2] for i in range(lo, hi)]}, schema=arrow_schema)

    for step in (lambda: t.append(rows(0, 20)), lambda: t.append(rows(20, 40)), lambda: t.delete("id < 10"),
                 lambda: t.append(rows(40, 60))):
        step()
        time.sleep(0.01)  # distinct snapshot timestamps
    return {"snapshots": [{"snapshot-id": s.snapshot_id, "timestamp-ms": s.timestamp_ms} for s in t.snapshots()]}


def expire(db, warehouse, name, table, older_than_ms):
    from datetime import datetime, timezone
    from pyiceberg.catalog.sql import SqlCatalog
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    t.maintenance.expire_snapshots().older_than(datetime.fromtimestamp(int(older_than_ms) / 1000, tz=timezone.utc)).commit()
    return {"snapshot-ids": [s.snapshot_id for s in t.refresh().snapshots()]}


def deletable(db, warehouse, name, table):
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import IntegerType, LongType, NestedField, StringType
    catalog = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse)
    catalog.create_namespace(table.split(".")[0])
    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "category", StringType()),
                    NestedField(3, "qty", IntegerType()), NestedField(4, "note", StringType()))
    t = catalog.create_table(table, schema=schema, partition_spec=PartitionSpec(PartitionField(2, 1000, IdentityTransform(), "category")))
    arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("category", pa.string()),
                              pa.field("qty", pa.int32()), pa.field("note", pa.string())])
    for lo in (0, 40, 80):
        ids = list(range(lo, lo + 40))
        t.append(pa.table({"id": ids, "category": [["a", "b", "c"][i % 3] if lo != 80 else "a" for i in ids],
                           "qty": [None if i % 7 == 0 else i % 10 for i in ids], "note": [f"n{i}" for i in ids]}, schema=arrow_schema))
    return {"snapshot-ids": [s.snapshot_id for s in t.snapshots()]}


def delete(db, warehouse, name, table, row_filter):
    from pyiceberg.catalog.sql import SqlCatalog
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    t.delete(row_filter)
    return {"summary": t.refresh().current_snapshot().summary.additional_properties | {"operation": t.current_snapshot().summary.operation.value}}


def main():
    if sys.argv[1] == "pyiceberg":
        out = pyiceberg(*sys.argv[2:7])
    elif sys.argv[1] == "pyiceberg-current":
        out = pyiceberg_current(*sys.argv[2:6])
    elif sys.argv[1] == "rename":
        out = rename_column(*sys.argv[2:8])
    elif sys.argv[1] == "history":
        out = history(*sys.argv[2:6])
    elif sys.argv[1] == "expire":
        out = expire(*sys.argv[2:7])
    elif sys.argv[1] == "deletable":
        out = deletable(*sys.argv[2:6])
    elif sys.argv[1] == "delete":
        out = delete(*sys.argv[2:7])
    else:
        out = duckdb_scan(*sys.argv[2:])
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
