"""PyIceberg as the peer of overwrites: overwrite_peer.py CATALOG_DB WAREHOUSE NAME TABLE STEPS_JSON.

Runs each step on TABLE (schema: id long required, category string, score double), one commit each, and prints
{"rows": [...]} (the final rows, SDK JSON value convention, sorted). Steps: ["append", rows],
["overwrite", filter, rows] (PyIceberg's overwrite(df, overwrite_filter)), ["dynamic", rows]
(dynamic_partition_overwrite(df)); rows are JSON objects.
"""
import json
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog

from arrow_json import table_rows

SCHEMA = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("category", pa.string()),
                    pa.field("score", pa.float64())])


def frame(rows):
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def main(db, warehouse, name, table, steps):
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    for op, *args in json.loads(steps):
        if op == "append":
            t.append(frame(args[0]))
        elif op == "overwrite":
            t.overwrite(frame(args[1]), overwrite_filter=args[0])
        elif op == "dynamic":
            t.dynamic_partition_overwrite(frame(args[0]))
        else:
            raise ValueError(op)
        t = t.refresh()
    rows = sorted(table_rows(t.scan().to_arrow()), key=lambda r: json.dumps(r, sort_keys=True))
    json.dump({"rows": rows}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
