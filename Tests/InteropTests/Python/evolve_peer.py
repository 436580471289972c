"""Evolves a PyIceberg twin table with the same schema changes, one commit each, and prints
its final schema: evolve_peer.py CATALOG_DB WAREHOUSE NAME TABLE CHANGES_JSON.

CHANGES_JSON is a list of [op, args...]: ["add", path, type, doc], ["rename", path, new],
["widen", path, type], ["drop", path], ["first", path], ["after", path, other]. Types are
primitive names (long, double, string, int, decimal(P,S))."""
import json
import re
import sys

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.types import DecimalType, DoubleType, IntegerType, LongType, StringType


def parse_type(text):
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", text)
    if m:
        return DecimalType(int(m.group(1)), int(m.group(2)))
    return {"long": LongType(), "double": DoubleType(), "string": StringType(), "int": IntegerType()}[text]


def main(db, warehouse, name, table, changes):
    catalog = SqlCatalog(name, uri=f"sqlite:///{db}", warehouse=warehouse)
    t = catalog.load_table(table)
    for op, *args in json.loads(changes):
        with t.update_schema() as u:
            if op == "add":
                path = tuple(args[0].split("."))
                u.add_column(path if len(path) > 1 else path[0], parse_type(args[1]), doc=args[2])
            elif op == "rename":
                u.rename_column(args[0], args[1])
            elif op == "widen":
                u.update_column(args[0], field_type=parse_type(args[1]))
            elif op == "drop":
                u.delete_column(args[0])
            elif op == "first":
                u.move_first(args[0])
            elif op == "after":
                u.move_after(args[0], args[1])
        t = catalog.load_table(table)
    print(t.schema().model_dump_json())


if __name__ == "__main__":
    main(*sys.argv[1:])
