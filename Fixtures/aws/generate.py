"""Records the HTTP exchanges of botocore (the AWS SDK for Python) with moto in server mode,
for the IcebergAWS unit tests: each test sends the same operations through this SDK's
clients, checks that every request has the shape botocore gave it (method, path, query,
operation headers, body) and parses moto's recorded answers (XML, JSON, errors, pages).

Glue table inputs come from PyIceberg's Glue catalog (`_construct_table_input`) for the table
metadata in glue_metadata.json, so the recorded CreateTable/UpdateTable bodies are what
PyIceberg registers for that table.

Usage: .venv/bin/python Fixtures/aws/generate.py   (writes Fixtures/aws/*.json)
"""
import base64
import json
import os
import socket
import sys
import urllib.parse

import boto3
import botocore
import moto
import urllib3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
# Request headers that differ on every run or between signers; everything else is kept.
VOLATILE_REQUEST_HEADERS = {
    "authorization", "x-amz-date", "x-amz-security-token", "user-agent", "amz-sdk-invocation-id",
    "amz-sdk-request", "x-amz-content-sha256", "content-length", "expect",
}
VOLATILE_RESPONSE_HEADERS = {"date", "server", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2"}


def body_fields(data):
    """The body as text when it is UTF-8, else as base64."""
    if not data:
        return {"body": ""}
    try:
        return {"body": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(data).decode()}


class RawBody:
    """What botocore reads an answer's body from."""

    def __init__(self, data):
        self.data = data
        self.offset = 0

    def stream(self, **_):
        yield self.data

    def read(self, amt=None):
        end = len(self.data) if amt is None else min(len(self.data), self.offset + amt)
        chunk = self.data[self.offset:end]
        self.offset = end
        return chunk

    def close(self):
        pass


class Recorder:
    """Sends botocore's requests itself (no retries, no redirects) and keeps both sides."""

    def __init__(self):
        self.http = urllib3.PoolManager(retries=False)
        self.exchanges = []
        self.label = None

    def attach(self, client):
        client.meta.events.register("before-send", self.send)
        return client

    def send(self, request, **_):
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        url = urllib.parse.urlsplit(request.url)
        answer = self.http.request(
            request.method, request.url, headers=dict(request.headers), body=body or None,
            redirect=False, preload_content=True, decode_content=False)
        self.exchanges.append({
            "step": self.label,
            "request": {
                "method": request.method,
                "path": url.path,
                "query": [list(p) for p in urllib.parse.parse_qsl(url.query, keep_blank_values=True)],
                "headers": sorted([k.lower(), v if isinstance(v, str) else v.decode()]
                                  for k, v in request.headers.items()
                                  if k.lower() not in VOLATILE_REQUEST_HEADERS),
                **body_fields(body),
            },
            "response": {
                "status": answer.status,
                "headers": [[k, v] for k, v in answer.headers.items() if k.lower() not in VOLATILE_RESPONSE_HEADERS],
                **body_fields(answer.data),
            },
        })
        return AWSResponse(request.url, answer.status, answer.headers, RawBody(answer.data))

    def step(self, label, call, *args, **kwargs):
        """Runs one botocore call under a label; a service error is an expected answer too."""
        self.label = label
        try:
            return call(*args, **kwargs)
        except botocore.exceptions.ClientError:
            return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(service, endpoint, recorder, **config):
    return recorder.attach(boto3.client(
        service, region_name=REGION, endpoint_url=endpoint, aws_access_key_id="AKIDRECORDED",
        aws_secret_access_key="recorded-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"},
                      request_checksum_calculation="when_required",
                      response_checksum_validation="when_required", **config)))


def record_s3(endpoint):
    r = Recorder()
    s3 = client("s3", endpoint, r, s3={"addressing_style": "path"})
    r.step("create bucket", s3.create_bucket, Bucket="lake")
    keys = ["data/a.parquet", "data/b c+d.parquet", "data/ü/e.parquet", "data/f&<g>.parquet", "metadata/v1.json"]
    for i, key in enumerate(keys):
        r.step("put " + key, s3.put_object, Bucket="lake", Key=key, Body=bytes(range(i, i + 10)))
    r.step("put if absent, exists", s3.put_object, Bucket="lake", Key="metadata/v1.json", Body=b"{}", IfNoneMatch="*")
    r.step("put if absent", s3.put_object, Bucket="lake", Key="metadata/v2.json", Body=b"{}", IfNoneMatch="*",
           ContentType="application/json")
    # Two keys a page so that the listing takes three pages.
    token = None
    while True:
        args = {"Bucket": "lake", "Prefix": "data/", "MaxKeys": 2}
        if token:
            args["ContinuationToken"] = token
        page = r.step("list data/", s3.list_objects_v2, **args)
        token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
        if not token:
            break
    r.step("get range", s3.get_object, Bucket="lake", Key="data/b c+d.parquet", Range="bytes=2-5")
    r.step("get prefix", s3.get_object, Bucket="lake", Key="data/a.parquet", Range="bytes=0-3")
    r.step("get suffix", s3.get_object, Bucket="lake", Key="data/a.parquet", Range="bytes=-4")
    r.step("get whole", s3.get_object, Bucket="lake", Key="data/ü/e.parquet")
    r.step("get missing", s3.get_object, Bucket="lake", Key="data/missing.parquet")
    r.step("head", s3.head_object, Bucket="lake", Key="data/f&<g>.parquet")
    r.step("head missing", s3.head_object, Bucket="lake", Key="data/missing.parquet")
    r.step("delete objects", s3.delete_objects, Bucket="lake",
           Delete={"Objects": [{"Key": "data/a.parquet"}, {"Key": "data/f&<g>.parquet"}, {"Key": "gone"}],
                   "Quiet": True})
    r.step("delete object", s3.delete_object, Bucket="lake", Key="metadata/v2.json")
    upload = r.step("create multipart upload", s3.create_multipart_upload, Bucket="lake", Key="data/big.parquet")
    part = r.step("upload part", s3.upload_part, Bucket="lake", Key="data/big.parquet", PartNumber=1,
                  UploadId=upload["UploadId"], Body=b"0123456789")
    r.step("complete multipart upload", s3.complete_multipart_upload, Bucket="lake", Key="data/big.parquet",
           UploadId=upload["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    upload = r.step("create multipart upload", s3.create_multipart_upload, Bucket="lake", Key="data/aborted.parquet")
    r.step("abort multipart upload", s3.abort_multipart_upload, Bucket="lake", Key="data/aborted.parquet",
           UploadId=upload["UploadId"])
    return {"page_size_parameters": ["max-keys"], "exchanges": r.exchanges}


def record_glue(endpoint):
    from pyiceberg.catalog.glue import _construct_table_input
    from pyiceberg.table.metadata import TableMetadataUtil

    with open(os.path.join(HERE, "glue_metadata.json")) as f:
        metadata_json = f.read()
    metadata = TableMetadataUtil.parse_raw(metadata_json)
    first = "s3://lake/warehouse/db.db/events/metadata/00000-first.metadata.json"
    second = "s3://lake/warehouse/db.db/events/metadata/00001-second.metadata.json"

    r = Recorder()
    glue = client("glue", endpoint, r)
    r.step("create database", glue.create_database,
           DatabaseInput={"Name": "db", "LocationUri": "s3://lake/warehouse/db.db", "Description": "the db",
                          "Parameters": {"owner": "data-team"}})
    r.step("create database again", glue.create_database, DatabaseInput={"Name": "db", "Parameters": {}})
    for name in ["db2", "db3"]:
        r.step("create database", glue.create_database, DatabaseInput={"Name": name, "Parameters": {}})
    r.step("get database", glue.get_database, Name="db")
    r.step("get database missing", glue.get_database, Name="nope")
    token = None
    while True:
        args = {"MaxResults": 2, **({"NextToken": token} if token else {})}
        page = r.step("get databases", glue.get_databases, **args)
        token = page.get("NextToken")
        if not token:
            break
    created = _construct_table_input("events", first, {}, metadata)
    r.step("create table", glue.create_table, DatabaseName="db", TableInput=created)
    r.step("create table again", glue.create_table, DatabaseName="db", TableInput=created)
    r.step("create table in missing database", glue.create_table, DatabaseName="nope", TableInput=created)
    r.step("create plain table", glue.create_table, DatabaseName="db",
           TableInput={"Name": "plain", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv"}})
    token = None
    while True:
        args = {"DatabaseName": "db", "MaxResults": 1, **({"NextToken": token} if token else {})}
        page = r.step("get tables", glue.get_tables, **args)
        token = page.get("NextToken")
        if not token:
            break
    table = r.step("get table", glue.get_table, DatabaseName="db", Name="events")["Table"]
    updated = _construct_table_input("events", second, {}, metadata, table, first)
    r.step("update table", glue.update_table, DatabaseName="db", TableInput=updated, VersionId=table["VersionId"])
    r.step("get table", glue.get_table, DatabaseName="db", Name="events")
    r.step("get table missing", glue.get_table, DatabaseName="db", Name="nope")
    r.step("delete table", glue.delete_table, DatabaseName="db", Name="events")
    r.step("delete table missing", glue.delete_table, DatabaseName="db", Name="events")
    r.step("delete database", glue.delete_database, Name="db3")
    return {
        "page_size_parameters": ["MaxResults"],
        "metadata": json.loads(metadata_json),
        "metadata_locations": [first, second],
        "exchanges": r.exchanges,
    }


def record_s3tables(endpoint):
    r = Recorder()
    s3tables = client("s3tables", endpoint, r)
    arn = r.step("create table bucket", s3tables.create_table_bucket, name="tables")["arn"]
    r.step("create table bucket", s3tables.create_table_bucket, name="tables2")
    token = None
    while True:
        args = {"maxBuckets": 1, **({"continuationToken": token} if token else {})}
        page = r.step("list table buckets", s3tables.list_table_buckets, **args)
        token = page.get("continuationToken")
        if not token:
            break
    for ns in ["sales", "ops"]:
        r.step("create namespace", s3tables.create_namespace, tableBucketARN=arn, namespace=[ns])
    r.step("create namespace again", s3tables.create_namespace, tableBucketARN=arn, namespace=["sales"])
    r.step("get namespace", s3tables.get_namespace, tableBucketARN=arn, namespace="sales")
    r.step("get namespace missing", s3tables.get_namespace, tableBucketARN=arn, namespace="nope")
    token = None
    while True:
        args = {"tableBucketARN": arn, "maxNamespaces": 1, **({"continuationToken": token} if token else {})}
        page = r.step("list namespaces", s3tables.list_namespaces, **args)
        token = page.get("continuationToken")
        if not token:
            break
    warehouse = {}
    for name in ["orders", "refunds"]:
        r.step("create table", s3tables.create_table, tableBucketARN=arn, namespace="sales", name=name,
               format="ICEBERG")
        table = r.step("get table", s3tables.get_table, tableBucketARN=arn, namespace="sales", name=name)
        warehouse[name] = table["warehouseLocation"]
    r.step("create table again", s3tables.create_table, tableBucketARN=arn, namespace="sales", name="orders",
           format="ICEBERG")
    r.step("create table in missing namespace", s3tables.create_table, tableBucketARN=arn, namespace="nope",
           name="orders", format="ICEBERG")
    # Pointed at its first metadata file, then a swap that loses to another writer.
    location = r.step("get metadata location", s3tables.get_table_metadata_location, tableBucketARN=arn,
                      namespace="sales", name="orders")
    first = warehouse["orders"] + "/metadata/00000-first.metadata.json"
    r.step("update metadata location", s3tables.update_table_metadata_location, tableBucketARN=arn,
           namespace="sales", name="orders", versionToken=location["versionToken"], metadataLocation=first)
    read = r.step("get metadata location", s3tables.get_table_metadata_location, tableBucketARN=arn,
                  namespace="sales", name="orders")
    r.step("update by another writer", s3tables.update_table_metadata_location, tableBucketARN=arn,
           namespace="sales", name="orders", versionToken=read["versionToken"],
           metadataLocation=warehouse["orders"] + "/metadata/00001-other.metadata.json")
    r.step("update metadata location with a stale token", s3tables.update_table_metadata_location,
           tableBucketARN=arn, namespace="sales", name="orders", versionToken=read["versionToken"],
           metadataLocation=warehouse["orders"] + "/metadata/00001-lost.metadata.json")
    r.step("get metadata location", s3tables.get_table_metadata_location, tableBucketARN=arn,
           namespace="sales", name="orders")
    r.step("get metadata location missing", s3tables.get_table_metadata_location, tableBucketARN=arn,
           namespace="sales", name="nope")
    token = None
    while True:
        args = {"tableBucketARN": arn, "namespace": "sales", "maxTables": 1,
                **({"continuationToken": token} if token else {})}
        page = r.step("list tables", s3tables.list_tables, **args)
        token = page.get("continuationToken")
        if not token:
            break
    r.step("rename table", s3tables.rename_table, tableBucketARN=arn, namespace="sales", name="refunds",
           newNamespaceName="ops", newName="returns")
    r.step("delete table", s3tables.delete_table, tableBucketARN=arn, namespace="sales", name="orders")
    r.step("delete table missing", s3tables.delete_table, tableBucketARN=arn, namespace="sales", name="orders")
    r.step("delete namespace", s3tables.delete_namespace, tableBucketARN=arn, namespace="sales")
    return {"page_size_parameters": ["maxBuckets", "maxNamespaces", "maxTables"], "table_bucket_arn": arn,
            "metadata_locations": [first, warehouse["orders"] + "/metadata/00001-other.metadata.json",
                                   warehouse["orders"] + "/metadata/00001-lost.metadata.json"],
            "exchanges": r.exchanges}


def main():
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for name, record in [("s3", record_s3), ("glue", record_glue), ("s3tables", record_s3tables)]:
            recorded = {
                "generator": "Fixtures/aws/generate.py",
                "peers": {"botocore": botocore.__version__, "moto": moto.__version__},
                "region": REGION,
                "port": port,
                **record(endpoint),
            }
            with open(os.path.join(HERE, f"{name}.json"), "w") as f:
                json.dump(recorded, f, indent=1, ensure_ascii=False)
                f.write("\n")
            print(f"{name}.json: {len(recorded['exchanges'])} exchanges", file=sys.stderr)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
