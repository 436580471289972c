"""PyIceberg's load_catalog(NAME) under a given configuration: PYICEBERG_HOME and extra
PYICEBERG_... environment variables, as the catalog-loader tests set them for our CLI too."""
import datetime
import json
import os
import sys


def rows_of(table):
    rows = table.scan().to_arrow().to_pylist()
    for r in rows:
        for k, v in list(r.items()):
            if hasattr(v, "isoformat"):
                r[k] = v.isoformat()
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def main():
    home, env_json, name, mode, identifier = sys.argv[1:6]
    if home:
        os.environ["PYICEBERG_HOME"] = home
    os.environ.update(json.loads(env_json))
    from pyiceberg.catalog import load_catalog
    catalog = load_catalog(name)
    if mode == "write":
        import pyarrow as pa
        catalog.create_namespace_if_not_exists(identifier.split(".")[0])
        arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string()),
                                  pa.field("ts", pa.timestamp("us", tz="UTC"))])
        table = catalog.create_table(identifier, schema=arrow_schema)
        rows = [{"id": i, "name": f"py-{i}", "ts": datetime.datetime(2026, 1, 1 + i, 12, tzinfo=datetime.timezone.utc)} for i in range(3)]
        table.append(pa.Table.from_pylist(rows, schema=arrow_schema))
        out = {"rows": rows_of(catalog.load_table(identifier))}
    elif mode == "read":
        table = catalog.load_table(identifier)
        out = {"rows": rows_of(table), "snapshots": len(table.metadata.snapshots)}
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
