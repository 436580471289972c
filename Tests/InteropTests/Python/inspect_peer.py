"""PyIceberg's metadata tables (`table.inspect`), as the peer of `Table.inspect`.

  inspect_peer.py CATALOG_DB WAREHOUSE NAME TABLE [SNAPSHOT_ID] -> {KIND: {"columns": [...], "rows": [...]}}

for every metadata table PyIceberg has; the tables of one snapshot read SNAPSHOT_ID when it is
given (those PyIceberg reads only at the current snapshot are then left out). Rows are in the SDK's JSON value convention (arrow_json.table_rows), in PyIceberg's order.
"""
import inspect
import json
import sys

from pyiceberg.catalog.sql import SqlCatalog

from arrow_json import table_rows

ONE_SNAPSHOT = {"manifests", "files", "data_files", "delete_files", "entries", "partitions"}
KINDS = ["snapshots", "history", "refs", "manifests", "all_manifests", "files", "data_files", "delete_files",
         "all_files", "all_data_files", "all_delete_files", "entries", "partitions", "metadata_log_entries"]


def main(db, warehouse, name, table, snapshot_id=None):
    t = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse).load_table(table)
    out = {}
    for kind in KINDS:
        method = getattr(t.inspect, kind, None)
        if method is None:
            continue
        if kind in ONE_SNAPSHOT and snapshot_id is not None:
            if "snapshot_id" not in inspect.signature(method).parameters:
                continue  # PyIceberg reads this one at the current snapshot only
            arrow = method(snapshot_id=int(snapshot_id))
        else:
            arrow = method()
        out[kind] = {"columns": arrow.schema.names, "rows": table_rows(arrow)}
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
