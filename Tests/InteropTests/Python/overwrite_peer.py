"""PyIceberg as the peer of overwrites and upserts: overwrite_peer.py CATALOG_DB WAREHOUSE NAME TABLE STEPS_JSON.

Runs each step on TABLE (schema: id long required, category string, score double), one commit each, and prints
{"rows": [...]} (the final rows, SDK JSON value convention, sorted). Steps: ["append", rows],
["overwrite", filter, rows] (PyIceberg's overwrite(df, overwrite_filter)), ["dynamic", rows]
(dynamic_partition_overwrite(df)), ["delete", filter], ["upsert", rows, update, insert] (upsert(df, join_cols=["id"],
when_matched_update_all=update, when_not_matched_insert_all=insert)); rows are JSON objects. Prints also
"upserts": [[rows_updated, rows_inserted], ...].
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
    upserts = []
    for op, *args in json.loads(steps):
        if op == "append":
            t.append(frame(args[0]))
        elif op == "overwrite":
            t.overwrite(frame(args[1]), overwrite_filter=args[0])
        elif op == "dynamic":
            t.dynamic_partition_overwrite(frame(args[0]))
        elif op == "delete":
            t.delete(args[0])
        elif op == "upsert":
            r = t.upsert(frame(args[0]), join_cols=["id"], when_matched_update_all=args[1],
                         when_not_matched_insert_all=args[2])
            upserts.append([r.rows_updated, r.rows_inserted])
        else:
            raise ValueError(op)
        t = t.refresh()
    rows = sorted(table_rows(t.scan().to_arrow()), key=lambda r: json.dumps(r, sort_keys=True))
    json.dump({"rows": rows, "upserts": upserts}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
