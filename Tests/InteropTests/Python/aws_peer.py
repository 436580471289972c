"""AWS peers for the Swift tests: botocore's SigV4 signer, moto in server mode, boto3.

Usage:
  aws_peer.py sign                       corpus JSON on stdin -> botocore's canonical requests and signatures
  aws_peer.py moto PORT [NO_AUTH_COUNT]  runs moto_server on 127.0.0.1:PORT (request auth after NO_AUTH_COUNT requests)
  aws_peer.py iam-user ENDPOINT          creates an IAM user with full access and prints its access key (JSON)
  aws_peer.py s3tables-bucket ENDPOINT NAME   creates a table bucket, prints its ARN
  aws_peer.py serialize SERVICE < CALLS       botocore's method, path and JSON body of each call
  aws_peer.py create-bucket ENDPOINT NAME     creates an S3 bucket
  aws_peer.py read-static ENDPOINT KEY SECRET METADATA     PyIceberg StaticTable rows (per snapshot too)
  aws_peer.py glue-read ENDPOINT KEY SECRET WAREHOUSE DB.T  PyIceberg GlueCatalog rows
  aws_peer.py glue-write ENDPOINT KEY SECRET WAREHOUSE DB T PyIceberg creates and appends a table through Glue
  aws_peer.py metadata-endpoint PORT TOKEN               container and IMDSv2 credential endpoints
  aws_peer.py fault-proxy PORT TARGET_PORT RATE SEED LOG [KINDS] [DELAY]
      loopback proxy injecting faults (KINDS: comma-separated, default 500,503,reset-before,reset-after,500-after;
      delay-before and delay-after hold a request or its answer DELAY seconds)
"""
import json
import sys


def sign(corpus):
    import datetime
    from unittest import mock

    import botocore.auth as auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.serialize import RestJSONSerializer

    results = []
    for case in corpus:
        creds = Credentials(case["access_key"], case["secret_key"], case.get("token"))
        when = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        # botocore's own rule for URI labels: greedy {Key+} keeps '/', others encode it.
        path = RestJSONSerializer()._render_uri_template(case["path_template"], case.get("path_params", {}))
        url = f"{case['scheme']}://{case['host']}{path}"
        body = bytes.fromhex(case.get("body_hex", ""))
        request = AWSRequest(method=case["method"], url=url, params=[tuple(p) for p in case.get("query", [])],
                             headers=dict(case.get("headers", [])), data=body)
        if case.get("unsigned_payload"):
            request.context["payload_signing_enabled"] = False
        is_s3 = case["service"] == "s3"
        captured = {}
        presign = case.get("presign_expires")
        if presign:
            base = auth.S3SigV4QueryAuth if is_s3 else auth.SigV4QueryAuth
        else:
            base = auth.S3SigV4Auth if is_s3 else auth.SigV4Auth

        class Capturing(base):
            def canonical_request(self, request):
                captured["canonical"] = super().canonical_request(request)
                return captured["canonical"]

            def signature(self, string_to_sign, request):
                captured["signature"] = super().signature(string_to_sign, request)
                return captured["signature"]

        signer = Capturing(creds, case["service"], case["region"], expires=presign) if presign else Capturing(creds, case["service"], case["region"])
        with mock.patch.object(auth, "get_current_datetime", return_value=when):
            signer.add_auth(request)
        results.append({
            "canonical": captured["canonical"],
            "signature": captured["signature"],
            "authorization": request.headers.get("Authorization"),
            "url": request.url if presign else request.prepare().url,
        })
    return results


def serialize(service, calls):
    """botocore's own serialization of each {"operation", "params"}: method, path and body."""
    import botocore.session
    session = botocore.session.get_session()
    c = session.create_client(service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    out = []
    for call in calls:
        request = c._serializer.serialize_to_request(call["params"], c.meta.service_model.operation_model(call["operation"]))
        body = request["body"]
        out.append({"method": request["method"], "path": request["url_path"],
                    "body": json.loads(body) if body else None})
    return out


def run_moto(port, no_auth):
    import os
    if no_auth is not None:
        os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(no_auth)
    # Real Glue rejects an UpdateTable whose VersionId is no longer the table's current version
    # (ConcurrentModificationException); moto 5.2.5 ignores VersionId. The test server adds that
    # check so that the tests can prove the SDK's optimistic locking. Nothing else is changed.
    import threading
    from moto.glue import models as glue_models
    from moto.glue import responses as glue_responses
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import EmptyResult

    lock = threading.Lock()
    original_update = glue_models.GlueBackend.update_table

    class ConcurrentModificationException(JsonRESTError):
        def __init__(self, message):
            super().__init__("ConcurrentModificationException", message)

    def update_table(self, database_name, table_name, table_input, version_id=None):
        with lock:
            if version_id is not None:
                table = self.get_table(database_name, table_name)
                current = str(table._current_version)
                if str(version_id) != current:
                    raise ConcurrentModificationException(
                        f"Update table failed due to concurrent modifications (expected version {version_id}, current {current})")
            return original_update(self, database_name, table_name, table_input)

    glue_models.GlueBackend.update_table = update_table

    def update_table_response(self):
        database_name = self.parameters.get("DatabaseName")
        table_input = self.parameters.get("TableInput")
        table_name = table_input.get("Name")
        self.glue_backend.update_table(database_name, table_name, table_input, self.parameters.get("VersionId"))
        return EmptyResult()

    glue_responses.GlueResponse.update_table = update_table_response

    from moto.server import main
    main(["-H", "127.0.0.1", "-p", str(port)])


def client(service, endpoint, **kw):
    import boto3
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=kw.get("key", "testing"), aws_secret_access_key=kw.get("secret", "testing"))


def main():
    cmd = sys.argv[1]
    if extra_main():
        return
    if cmd == "sign":
        print(json.dumps(sign(json.load(sys.stdin))))
    elif cmd == "moto":
        run_moto(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif cmd == "iam-user":
        iam = client("iam", sys.argv[2])
        name = sys.argv[3] if len(sys.argv) > 3 else "iceberg-tester"
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        print(json.dumps({"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}))
    elif cmd == "serialize":
        print(json.dumps(serialize(sys.argv[2], json.load(sys.stdin))))
    elif cmd == "s3tables-bucket":
        print(client("s3tables", sys.argv[2]).create_table_bucket(name=sys.argv[3])["arn"])
    elif cmd == "create-bucket":
        kw = {}
        if len(sys.argv) > 5:
            kw = {"key": sys.argv[4], "secret": sys.argv[5]}
        client("s3", sys.argv[2], **kw).create_bucket(Bucket=sys.argv[3])
    else:
        raise SystemExit(f"unknown command {cmd}")




def pyiceberg_properties(endpoint, key, secret):
    return {
        "s3.endpoint": endpoint, "s3.access-key-id": key, "s3.secret-access-key": secret, "s3.region": "us-east-1",
        "glue.endpoint": endpoint, "glue.access-key-id": key, "glue.secret-access-key": secret, "glue.region": "us-east-1",
    }


def table_rows(table, snapshot_id=None):
    rows = table.scan(snapshot_id=snapshot_id).to_arrow().to_pylist()
    for r in rows:
        for k, v in list(r.items()):
            if hasattr(v, "isoformat"):
                r[k] = v.isoformat()
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def read_static(endpoint, key, secret, metadata_location):
    """PyIceberg's StaticTable on a metadata file (how S3 Tables tables are read without a catalog)."""
    from pyiceberg.table import StaticTable
    table = StaticTable.from_metadata(metadata_location, properties=pyiceberg_properties(endpoint, key, secret))
    snapshots = {str(s.snapshot_id): table_rows(table, s.snapshot_id) for s in table.metadata.snapshots}
    return {"rows": table_rows(table), "snapshots": snapshots}


def glue_catalog(endpoint, key, secret, warehouse):
    from pyiceberg.catalog.glue import GlueCatalog
    return GlueCatalog("glue", **pyiceberg_properties(endpoint, key, secret), warehouse=warehouse)


def glue_read(endpoint, key, secret, warehouse, identifier):
    table = glue_catalog(endpoint, key, secret, warehouse).load_table(identifier)
    return {"rows": table_rows(table), "snapshots": len(table.metadata.snapshots), "metadata_location": table.metadata_location}


def glue_write(endpoint, key, secret, warehouse, database, name):
    """PyIceberg creates a database and a day-partitioned table through Glue and appends twice."""
    import datetime
    import pyarrow as pa
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import DayTransform
    from pyiceberg.types import LongType, NestedField, StringType, TimestamptzType
    catalog = glue_catalog(endpoint, key, secret, warehouse)
    catalog.create_namespace(database)
    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType()),
                    NestedField(3, "ts", TimestamptzType()))
    spec = PartitionSpec(PartitionField(source_id=3, field_id=1000, transform=DayTransform(), name="ts_day"))
    table = catalog.create_table(f"{database}.{name}", schema=schema, partition_spec=spec)
    arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string()),
                              pa.field("ts", pa.timestamp("us", tz="UTC"))])
    written = []
    for batch in range(2):
        rows = [{"id": batch * 10 + i, "name": f"py-{batch}-{i}",
                 "ts": datetime.datetime(2026, 1, 1 + i % 3, 12, tzinfo=datetime.timezone.utc)} for i in range(5)]
        table.append(pa.Table.from_pylist(rows, schema=arrow_schema))
        written += rows
    for r in written:
        r["ts"] = r["ts"].isoformat()
    return {"rows": sorted(written, key=lambda r: json.dumps(r, sort_keys=True))}


def fault_proxy(listen_port, target_port, rate, seed, log_path, kinds="500,503,reset-before,reset-after,500-after", delay=1.5):
    """A loopback HTTP proxy that injects faults into a share of requests: 500 and 503 SlowDown
    answers, connection resets before forwarding, resets after forwarding (the request
    took effect but its answer is lost), and requests or answers held back `delay` seconds.
    A target that is down (restarting) closes the connection. Appends one line per fault to log_path."""
    import time
    import http.client
    import random
    import socket
    import struct
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    rng = random.Random(seed)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reset(self):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                roll = rng.random()
                fault = rng.choice(kinds.split(",")) if roll < rate else None
            if fault:
                with lock, open(log_path, "a") as log:
                    log.write(f"{fault} {self.command} {self.path}\n")
            if fault == "reset-before":
                return self.reset()
            if fault == "delay-before":
                time.sleep(delay)
            if fault in ("500", "503"):
                status = int(fault)
                code = "SlowDown" if status == 503 else "InternalError"
                payload = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except OSError:
                return self.reset()  # the target went away (a restart) before answering
            finally:
                conn.close()
            if fault == "delay-after":
                time.sleep(delay)
            if fault == "reset-after":
                return self.reset()
            if fault == "500-after":
                data = b'{"__type":"InternalServerError","message":"injected after the request took effect"}'
                self.send_response(500)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_response(response.status)
            for k, v in response.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", listen_port), Handler)
    server.serve_forever()


def metadata_endpoint(port, token):
    """Serves credentials the way the ECS/Lambda container endpoint (Authorization header
    checked) and EC2 IMDSv2 (session token first) document them. No such service runs off
    AWS, so this stands in for both; it only answers the documented requests."""
    import datetime
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.answer(200, "imds-session-token")
            self.answer(400, "")

        def do_GET(self):
            if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
                if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                    return self.answer(401, "")
                role = self.path.rsplit("/", 1)[1]
                if not role:
                    return self.answer(200, "instance-role")
                return self.answer(200, json.dumps({"Code": "Success", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds-secret",
                                                    "Token": "imds-token", "Expiration": expiration}))
            if self.path.startswith("/creds"):
                if self.headers.get("Authorization") != token:
                    return self.answer(403, "")
                return self.answer(200, json.dumps({"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret",
                                                    "Token": "container-token", "Expiration": expiration}))
            self.answer(404, "")

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def extra_main():
    cmd = sys.argv[1]
    if cmd == "read-static":
        print(json.dumps(read_static(*sys.argv[2:6])))
    elif cmd == "glue-read":
        print(json.dumps(glue_read(*sys.argv[2:7])))
    elif cmd == "glue-write":
        print(json.dumps(glue_write(*sys.argv[2:8])))
    elif cmd == "metadata-endpoint":
        metadata_endpoint(int(sys.argv[2]), sys.argv[3])
    elif cmd == "fault-proxy":
        fault_proxy(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6],
                    *([sys.argv[7]] if len(sys.argv) > 7 else []), *([float(sys.argv[8])] if len(sys.argv) > 8 else []))
    else:
        return False
    return True


if __name__ == "__main__":
    main()
