"""REST catalog peers for the Swift tests: PyIceberg's RestCatalog, DuckDB's iceberg extension
(ATTACH … TYPE iceberg) and a loopback endpoint that checks SigV4 signatures with botocore.

Usage:
  rest_peer.py pyiceberg URI                    creates ns a.b, a partitioned table, appends, evolves, appends; prints rows
  rest_peer.py pyiceberg-read URI NS.TABLE      rows of a table through RestCatalog
  rest_peer.py duckdb-write URI                 DuckDB: CREATE SCHEMA/TABLE, 2 INSERTs, a DELETE; prints rows
  rest_peer.py duckdb-read URI SCHEMA TABLE     rows of a table through DuckDB
  rest_peer.py pyiceberg-roles URI CABUNDLE WRITER_TOKEN READER_TOKEN
      over TLS (CABUNDLE trusted): the writer creates ns r and table r.t and appends 3 rows; the reader
      lists and reads them, then tries to create a namespace, append and drop; prints what each got
  rest_peer.py sigv4-echo PORT LOG SERVICE REGION KEY SECRET PREFIX
      answers /v1/config (overrides.prefix = PREFIX unless '-') and lists, after botocore recomputed each
      request's signature: a mismatch is answered 403. One JSON line per request goes to LOG.
Rows are in the SDK's JSON value convention, sorted by their JSON text.
"""
import datetime
import json
import sys

from arrow_json import table_rows
from iceberg_peer import duckdb_connection, sort_rows


def rest_catalog(uri):
    from pyiceberg.catalog.rest import RestCatalog
    return RestCatalog("rest", uri=uri)


def pyiceberg_scenario(uri):
    import pyarrow as pa
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import BucketTransform, DayTransform
    from pyiceberg.types import DoubleType, LongType, NestedField, StringType, TimestamptzType

    catalog = rest_catalog(uri)
    catalog.create_namespace(("a",))
    catalog.create_namespace(("a", "b"), {"owner": "pyiceberg"})
    schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "ts", TimestamptzType(), required=False),
                    NestedField(3, "category", StringType(), required=False), NestedField(4, "price", DoubleType(), required=False))
    spec = PartitionSpec(PartitionField(2, 1000, DayTransform(), "ts_day"), PartitionField(1, 1001, BucketTransform(4), "id_bucket"))
    table = catalog.create_table(("a", "b", "events"), schema, partition_spec=spec)
    utc = datetime.timezone.utc

    def batch(start, n, with_qty=False):
        cols = {
            "id": pa.array([start + i for i in range(n)], pa.int64()),
            "ts": pa.array([datetime.datetime(2024, 1, 1 + (start + i) % 5, 12, tzinfo=utc) for i in range(n)], pa.timestamp("us", tz="UTC")),
            "category": pa.array(["abcd"[(start + i) % 4] for i in range(n)]),
            "price": pa.array([float(start + i) / 4 for i in range(n)], pa.float64()),
        }
        if with_qty:
            cols["qty"] = pa.array([(start + i) % 7 for i in range(n)], pa.int32())
        return pa.table(cols)

    for k in range(3):
        table.append(batch(k * 10, 10))
    from pyiceberg.types import IntegerType
    with table.update_schema() as update:
        update.add_column("qty", IntegerType())
    table = catalog.load_table(("a", "b", "events"))
    table.append(batch(100, 5, with_qty=True))
    table = catalog.load_table(("a", "b", "events"))
    return {"rows": sort_rows(table_rows(table.scan().to_arrow())), "snapshots": len(table.snapshots()),
            "columns": [f.name for f in table.schema().fields],
            "namespaces": [".".join(n) for n in catalog.list_namespaces(("a",))]}


def pyiceberg_read(uri, name):
    table = rest_catalog(uri).load_table(name)
    return {"rows": sort_rows(table_rows(table.scan().to_arrow())), "snapshots": len(table.snapshots())}


def attach(uri):
    con = duckdb_connection()
    con.execute(f"ATTACH 'warehouse' AS cat (TYPE iceberg, ENDPOINT '{uri}', AUTHORIZATION_TYPE 'none')")
    return con


def duckdb_rows(con, schema, table):
    result = con.execute(f"SELECT * FROM cat.\"{schema}\".\"{table}\"").arrow()
    return sort_rows(table_rows(result.read_all() if hasattr(result, "read_all") else result))


def duckdb_write(uri):
    con = attach(uri)
    con.execute("CREATE SCHEMA cat.duck")
    con.execute("CREATE TABLE cat.duck.orders (id BIGINT, customer VARCHAR, amount DOUBLE, day DATE)")
    con.execute("INSERT INTO cat.duck.orders VALUES (1, 'ann', 10.5, DATE '2024-01-01'), (2, 'bob', 20.25, DATE '2024-01-02'), "
                "(3, 'cy', NULL, DATE '2024-01-03')")
    con.execute("INSERT INTO cat.duck.orders VALUES (4, 'dee', 40.0, NULL), (5, NULL, 50.0, DATE '2024-01-05')")
    con.execute("DELETE FROM cat.duck.orders WHERE id = 2")
    return {"rows": duckdb_rows(con, "duck", "orders")}


def duckdb_read(uri, schema, table):
    return {"rows": duckdb_rows(attach(uri), schema, table)}


def sigv4_echo(port, log_path, service, region, key, secret, prefix):
    """Checks every request's SigV4 signature with botocore and answers like a REST catalog
    with no namespaces. The signed headers, method, path, query and body are those received."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from unittest import mock
    from urllib.parse import parse_qsl, urlsplit

    import botocore.auth as auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            authz = self.headers.get("Authorization", "")
            fields = dict(p.strip().split("=", 1) for p in authz[len("AWS4-HMAC-SHA256 "):].split(",") if "=" in p)
            signed = fields.get("SignedHeaders", "").split(";")
            split = urlsplit(self.path)
            headers = {k: v for k, v in self.headers.items() if k.lower() in signed and k.lower() != "authorization"}
            request = AWSRequest(method=self.command, url=f"http://{self.headers['Host']}{split.path}",
                                 params=parse_qsl(split.query, keep_blank_values=True), headers=headers, data=body)
            when = datetime.datetime.strptime(self.headers.get("X-Amz-Date", "19700101T000000Z"), "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
            captured = {}

            class Capturing(auth.SigV4Auth):
                def canonical_request(self, req):
                    captured["canonical"] = super().canonical_request(req)
                    return captured["canonical"]

            with mock.patch.object(auth, "get_current_datetime", return_value=when):
                Capturing(Credentials(key, secret), service, region).add_auth(request)
            ok = request.headers.get("Authorization") == authz
            with lock, open(log_path, "a") as log:
                log.write(json.dumps({"method": self.command, "path": split.path, "query": split.query, "signed": signed,
                                      "verified": ok, "canonical": captured.get("canonical")}) + "\n")
            if not ok:
                answer, status = {"error": {"message": "signature mismatch", "type": "ForbiddenException", "code": 403}}, 403
            elif split.path.endswith("/v1/config"):
                overrides = {} if prefix == "-" else {"prefix": prefix}
                answer, status = {"defaults": {}, "overrides": overrides}, 200
            elif split.path.endswith("/namespaces") and self.command == "GET":
                answer, status = {"namespaces": [], "next-page-token": None}, 200
            elif split.path.endswith("/namespaces") and self.command == "POST":
                answer, status = json.loads(body), 200
            else:
                answer, status = {"error": {"message": "not here", "type": "NoSuchTableException", "code": 404}}, 404
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = do_HEAD = handle_any

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def pyiceberg_roles(uri, cabundle, writer_token, reader_token):
    import pyarrow as pa
    from pyiceberg.catalog.rest import RestCatalog
    from pyiceberg.schema import Schema
    from pyiceberg.types import LongType, NestedField, StringType

    import os
    # requests lets these variables override a session's own CA bundle (PyIceberg's ssl.cabundle).
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(name, None)

    def catalog(token):
        return RestCatalog("rest", uri=uri, token=token, ssl={"cabundle": cabundle})

    writer = catalog(writer_token)
    writer.create_namespace(("r",))
    schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "name", StringType(), required=False))
    table = writer.create_table(("r", "t"), schema)
    table.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "name": pa.array(["a", "b", "c"])}))
    reader = catalog(reader_token)
    out = {"namespaces": [list(n) for n in reader.list_namespaces()],
           "rows": sort_rows(table_rows(reader.load_table(("r", "t")).scan().to_arrow()))}
    attempts = {
        "create_namespace": lambda: reader.create_namespace(("intruder",)),
        "append": lambda: reader.load_table(("r", "t")).append(pa.table({"id": pa.array([9], pa.int64()), "name": pa.array(["x"])})),
        "drop_table": lambda: reader.drop_table(("r", "t")),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
            out[name] = "allowed"
        except Exception as e:  # PyIceberg's error class names the HTTP answer (ForbiddenError for 403)
            out[name] = type(e).__name__
    out["rows_after"] = sort_rows(table_rows(writer.load_table(("r", "t")).scan().to_arrow()))
    return out


def main():
    cmd = sys.argv[1]
    if cmd == "pyiceberg":
        print(json.dumps(pyiceberg_scenario(sys.argv[2])))
    elif cmd == "pyiceberg-read":
        print(json.dumps(pyiceberg_read(sys.argv[2], sys.argv[3])))
    elif cmd == "duckdb-write":
        print(json.dumps(duckdb_write(sys.argv[2])))
    elif cmd == "duckdb-read":
        print(json.dumps(duckdb_read(*sys.argv[2:5])))
    elif cmd == "pyiceberg-roles":
        print(json.dumps(pyiceberg_roles(*sys.argv[2:6])))
    elif cmd == "sigv4-echo":
        sigv4_echo(int(sys.argv[2]), *sys.argv[3:9])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
