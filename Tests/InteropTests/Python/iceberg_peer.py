"""PyIceberg and DuckDB as Iceberg peers.

  iceberg_peer.py pyiceberg CATALOG_DB WAREHOUSE NAME TABLE   -> {"rows", "snapshots", "files"} via SqlCatalog
  iceberg_peer.py duckdb METADATA_JSON                        -> {"rows"} via DuckDB's iceberg_scan
  iceberg_peer.py rename CATALOG_DB WAREHOUSE NAME TABLE OLD NEW -> renames a column through PyIceberg
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


def duckdb_scan(metadata):
    con = duckdb_connection()
    table = con.execute(f"SELECT * FROM iceberg_scan('{metadata}')").arrow().read_all()
    return {"rows": sort_rows(table_rows(table))}


def rename_column(db, warehouse, name, table, old, new):
    from pyiceberg.catalog.sql import SqlCatalog
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    with t.update_schema() as update:
        update.rename_column(old, new)
    return {"name-mapping": t.refresh().properties.get("schema.name-mapping.default")}


def main():
    if sys.argv[1] == "pyiceberg":
        out = pyiceberg(*sys.argv[2:7])
    elif sys.argv[1] == "rename":
        out = rename_column(*sys.argv[2:8])
    else:
        out = duckdb_scan(sys.argv[2])
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
