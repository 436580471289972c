"""Parquet files with page indexes from other writers, and their rows for a filter.

  page_index_peer.py write WRITER FILE -> WRITER (pyarrow or duckdb) writes FILE: 20,000 rows
      id (long, 0…19999), note (string 'n-<id, 6 digits>', null every 17th row), qty (int,
      id % 50, null every 13th row), price (double id / 4), in row groups of 10,000 rows;
      pyarrow with its page index and 2 KB data pages. Prints {"rows": N}
  page_index_peer.py select FILE WHERE -> DuckDB's rows of FILE for an SQL WHERE clause,
      ordered by id: {"rows": [{"id": …, "note": …, "qty": …, "price": …}, …]}
"""
import json
import sys

from iceberg_peer import duckdb_connection

ROWS = 20_000
SELECT = (f"SELECT i::BIGINT AS id, CASE WHEN i % 17 = 0 THEN NULL ELSE printf('n-%06d', i) END AS note, "
          f"CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 50)::INTEGER END AS qty, i / 4.0 AS price FROM range({ROWS}) t(i)")


def write(writer, path):
    con = duckdb_connection()
    if writer == "duckdb":
        con.execute(f"COPY ({SELECT}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 10000)")
    else:
        import pyarrow.parquet as pq
        table = con.execute(SELECT).arrow()
        if hasattr(table, "read_all"):
            table = table.read_all()
        pq.write_table(table, path, row_group_size=10_000, data_page_size=2048, write_page_index=True,
                       compression="snappy")
    json.dump({"rows": ROWS}, sys.stdout)


def select(path, where):
    con = duckdb_connection()
    out = con.execute(f"SELECT id, note, qty, price FROM read_parquet('{path}') WHERE {where} ORDER BY id").fetchall()
    json.dump({"rows": [{"id": r[0], "note": r[1], "qty": r[2], "price": r[3]} for r in out]}, sys.stdout)


if __name__ == "__main__":
    {"write": write, "select": select}[sys.argv[1]](*sys.argv[2:])
