"""AWS peers for the Swift tests: botocore's SigV4 signer, moto in server mode, boto3.

Usage:
  aws_peer.py sign                       corpus JSON on stdin -> botocore's canonical requests and signatures
  aws_peer.py moto PORT [NO_AUTH_COUNT]  runs moto_server on 127.0.0.1:PORT (request auth after NO_AUTH_COUNT requests)
  aws_peer.py iam-user ENDPOINT          creates an IAM user with full access and prints its access key (JSON)
  aws_peer.py s3tables-bucket ENDPOINT NAME   creates a table bucket, prints its ARN
  aws_peer.py create-bucket ENDPOINT NAME     creates an S3 bucket
  aws_peer.py get-object ENDPOINT BUCKET KEY  prints an object's bytes (hex) and stored checksum
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
    elif cmd == "s3tables-bucket":
        print(client("s3tables", sys.argv[2]).create_table_bucket(name=sys.argv[3])["arn"])
    elif cmd == "create-bucket":
        kw = {}
        if len(sys.argv) > 5:
            kw = {"key": sys.argv[4], "secret": sys.argv[5]}
        client("s3", sys.argv[2], **kw).create_bucket(Bucket=sys.argv[3])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
