"""PyIceberg as the peer of partition evolution, sort orders and refs.

  history_peer.py twin CATALOG_DB WAREHOUSE NAME TABLE STEPS_JSON -> evolves TABLE with PyIceberg, one commit per step,
                                                                     and prints its view of the result
  history_peer.py inspect CATALOG_DB WAREHOUSE NAME TABLE          -> PyIceberg's view of TABLE

STEPS_JSON is a list of [op, args...]: ["append", first_id, count] (rows of the events schema: id, ts, category,
score), ["add-field", column, transform, name|null], ["remove-field", name], ["rename-field", old, new],
["sort", [[column, "asc"|"desc", "nulls-first"|"nulls-last"], ...]], ["tag", name, max_ref_age_ms],
["branch", name, min_snapshots_to_keep, max_snapshot_age_ms].

The view: {"specs": [{"spec-id", "fields": [{"source-id", "field-id", "name", "transform"}]}], "default-spec-id",
"last-partition-id", "sort-orders": [{"order-id", "fields": [{"source-id", "transform", "direction", "null-order"}]}],
"default-sort-order-id", "refs": {name: {"snapshot-id", "type", "min-snapshots-to-keep", "max-snapshot-age-ms",
"max-ref-age-ms"}}}.
"""
import json
import sys
from datetime import datetime, timedelta, timezone

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.table.sorting import NullOrder
from pyiceberg.transforms import parse_transform


def events(first, count):
    import pyarrow as pa
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("ts", pa.timestamp("us", tz="UTC")),
                        pa.field("category", pa.string()), pa.field("score", pa.float64())])
    ids = list(range(first, first + count))
    base = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    return pa.table({"id": ids, "ts": [base + timedelta(hours=i) for i in ids],
                     "category": [None if i % 5 == 0 else f"c{i % 3}" for i in ids],
                     "score": [None if i % 7 == 0 else float(i % 11 - 5) for i in ids]}, schema=schema)


def view(t):
    m = t.metadata
    return {
        "specs": [{"spec-id": s.spec_id, "fields": [{"source-id": f.source_id, "field-id": f.field_id, "name": f.name,
                                                      "transform": str(f.transform)} for f in s.fields]}
                  for s in m.partition_specs],
        "default-spec-id": m.default_spec_id,
        "last-partition-id": m.last_partition_id,
        "sort-orders": [{"order-id": o.order_id, "fields": [{"source-id": f.source_id, "transform": str(f.transform),
                                                             "direction": f.direction.value,
                                                             "null-order": f.null_order.value} for f in o.fields]}
                        for o in m.sort_orders],
        "default-sort-order-id": m.default_sort_order_id,
        "refs": {name: {"snapshot-id": r.snapshot_id, "type": r.snapshot_ref_type.value,
                        "min-snapshots-to-keep": r.min_snapshots_to_keep, "max-snapshot-age-ms": r.max_snapshot_age_ms,
                        "max-ref-age-ms": r.max_ref_age_ms} for name, r in sorted(m.refs.items())},
    }


def twin(catalog, table, steps):
    t = catalog.load_table(table)
    for op, *args in json.loads(steps):
        if op == "append":
            t.append(events(*args))
        elif op == "add-field":
            with t.update_spec() as u:
                u.add_field(args[0], parse_transform(args[1]), args[2])
        elif op == "remove-field":
            with t.update_spec() as u:
                u.remove_field(args[0])
        elif op == "rename-field":
            with t.update_spec() as u:
                u.rename_field(args[0], args[1])
        elif op == "sort":
            with t.update_sort_order() as u:
                for column, direction, nulls in args[0]:
                    order = NullOrder.NULLS_FIRST if nulls == "nulls-first" else NullOrder.NULLS_LAST
                    (u.asc if direction == "asc" else u.desc)(column, parse_transform("identity"), order)
        elif op == "tag":
            t.manage_snapshots().create_tag(t.current_snapshot().snapshot_id, args[0], max_ref_age_ms=args[1]).commit()
        elif op == "branch":
            t.manage_snapshots().create_branch(t.current_snapshot().snapshot_id, args[0], min_snapshots_to_keep=args[1],
                                               max_snapshot_age_ms=args[2]).commit()
        else:
            raise ValueError(op)
        t = catalog.load_table(table)
    return view(t)


def main():
    mode, db, warehouse, name, table = sys.argv[1:6]
    catalog = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse)
    out = twin(catalog, table, sys.argv[6]) if mode == "twin" else view(catalog.load_table(table))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
