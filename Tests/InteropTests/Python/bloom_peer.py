"""DuckDB as the peer of Parquet Bloom filters.

  bloom_peer.py probe FILE COLUMN VALUES_JSON -> {"excluded": [[row groups whose filter rules the value out], ...]}
      (DuckDB's parquet_bloom_probe, one list per value, in order)
  bloom_peer.py write FILE ROWS COLUMN          -> DuckDB writes FILE (COPY … FORMAT parquet) with ROWS rows of
      COLUMN = 'v-<i % 5000>' in row groups of 100,000 rows; prints {"row_groups": N}
"""
import json
import sys

from iceberg_peer import duckdb_connection


def probe(path, column, values):
    con = duckdb_connection()
    out = []
    for v in json.loads(values):
        rows = con.execute("SELECT row_group_id, bloom_filter_excludes FROM parquet_bloom_probe(?, ?, ?)",
                           [path, column, v]).fetchall()
        out.append(sorted(g for g, excluded in rows if excluded))
    json.dump({"excluded": out}, sys.stdout)


def write(path, rows, column):
    con = duckdb_connection()
    con.execute(f"COPY (SELECT 'v-' || (i % 5000) AS {column}, i AS id FROM range({int(rows)}) t(i)) TO '{path}' "
                "(FORMAT parquet, ROW_GROUP_SIZE 100000)")
    n = con.execute(f"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{path}')").fetchone()[0]
    json.dump({"row_groups": n}, sys.stdout)


if __name__ == "__main__":
    {"probe": probe, "write": write}[sys.argv[1]](*sys.argv[2:])
