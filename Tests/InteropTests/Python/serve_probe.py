"""Raw HTTP probes of `iceberg serve` for the Swift tests: what a careless or hostile client
does that no Iceberg client library would.

Usage:
  serve_probe.py limits PORT TOKEN
      with a server started with --max-concurrent-requests 1 --request-timeout 2 --max-commit-body 1000:
      a request whose body never arrives, a request sent while it holds the only slot, an oversized
      commit, an oversized body without credentials, and a plain request afterwards; prints statuses
  serve_probe.py hostile PORT WAREHOUSE OUTSIDE ADMIN WRITER READER
      at least 200 requests a hostile client might send (path traversal, locations outside the
      warehouse, borrowed manifest lists then a purge, overflowing ids, table-bricking updates,
      malformed, oversized and slow bodies, missing and wrong credentials, a reader writing);
      prints how many were sent and every answer that was not one of those expected
"""
import json
import socket
import sys
import time


def send(port, head, body=b"", read=True, timeout=10):
    """Sends a raw request; returns (status, headers) of the answer, or the open socket when read is False."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(head.encode() + body)
    if not read:
        return s
    return answer(s)


def answer(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    if not data:
        return None, {}
    lines = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ")[1]), headers


def request(method, path, token=None, length=None, extra=""):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if length is not None:
        head += f"Content-Length: {length}\r\n"
    return head + extra + "\r\n"


def limits(port, token):
    out = {}
    slow = send(port, request("POST", "/v1/namespaces", token, length=100), b'{"namespace"', read=False)
    time.sleep(0.5)  # the slow request now holds the only slot
    status, headers = send(port, request("GET", "/v1/config", token))
    out["while_busy"] = status
    out["retry_after"] = headers.get("retry-after")
    out["slow_body"] = answer(slow)[0]
    big = b"x" * 5000
    out["oversized_commit"] = send(port, request("POST", "/v1/namespaces/a/tables/t", token, length=len(big)), big)[0]
    huge = 50 << 20  # announced, never sent: refused from the head
    out["no_credentials_big_body"] = send(port, request("POST", "/v1/namespaces/a/tables/t", None, length=huge))[0]
    out["after"] = send(port, request("GET", "/v1/config", token))[0]
    return out


SCHEMA = {"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "id", "required": False, "type": "long"}]}


def hostile(port, warehouse, outside, admin, writer, reader):
    sent = 0
    unexpected = []

    def probe(what, method, path, token=None, body=None, expect=(400,), raw_body=None, extra=""):
        nonlocal sent
        data = raw_body if raw_body is not None else (b"" if body is None else json.dumps(body).encode())
        head = request(method, path, token, length=len(data), extra=extra)
        try:
            status, _ = send(port, head, data)
        except OSError as e:
            status = f"connection: {e}"
        sent += 1
        if status not in expect:
            unexpected.append({"probe": what, "status": status, "expected": list(expect)})
        return status

    def get_json(path, token):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(request("GET", path, token, length=0).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")]
            if length and len(rest) >= length[0]:
                break
        s.close()
        return json.loads(data.partition(b"\r\n\r\n")[2] or b"null")

    def create_table(name, extra=None):
        return {"name": name, "schema": SCHEMA, **(extra or {})}

    def commit(*updates):
        return {"requirements": [], "updates": list(updates)}

    tables = "/v1/namespaces/hostile/tables"
    probe("namespace for the probes", "POST", "/v1/namespaces", writer, {"namespace": ["hostile"]}, expect=(200, 409))
    probe("a table to change", "POST", tables, writer, create_table("target"), expect=(200, 409))

    # 1. Path traversal in names (no location given: the default location is built from them).
    bad_names = ["..", ".", "../..", "a/../../b", "../outside", "x\u0000y", "tab\there", "a\\b", "/abs", "",
                 "..\u2215..", "%2e%2e", "con\nsole"]
    for name in bad_names:
        probe(f"table name {name!r}", "POST", tables, writer, create_table(name), expect=(400,) if name != "%2e%2e" and name != "..\u2215.." else (200, 400))
    for encoded in ["..", "%2E%2E", "..%1F..", "a%2F..%2F..", "%00", ".%2e"]:
        probe(f"namespace path {encoded}", "POST", f"/v1/namespaces/{encoded}/tables", writer, create_table("t"),
              expect=(400, 404))
    for ns in [[".."], ["..", ".."], ["a/b"], ["x\u0000"], ["."]]:
        probe(f"namespace {ns} created", "POST", "/v1/namespaces", writer, {"namespace": ns}, expect=(200, 400, 409))
        encoded = "%1F".join(part.replace("%", "%25").replace("/", "%2F").replace("\u0000", "%00") for part in ns)
        probe(f"a table in namespace {ns}", "POST", f"/v1/namespaces/{encoded}/tables", writer, create_table("t"),
              expect=(400, 404))
    probe("a path of many segments", "GET", "/v1/namespaces/" + "/".join(["a"] * 2000), reader, expect=(404, 405, 431))
    probe("a long name", "POST", tables, writer, create_table("n" * 5000), expect=(400,))
    probe("a long namespace", "POST", "/v1/namespaces", writer, {"namespace": ["n" * 300]}, expect=(400,))

    # 2. Locations outside the warehouse, in every spelling.
    locations = [outside, outside + "/t", "file://" + outside + "/t", "file:" + outside + "/t",
                 warehouse + "/../outside/t", warehouse + "/hostile.db/../../outside/t", warehouse + "/link/t",
                 warehouse + "/link", "relative/t", "file://localhost" + outside, outside + "\u0000" + warehouse,
                 "s3://bucket/t", "/", "/etc", "/proc/self", "http://example.com/t", warehouse + "/../" + warehouse.split("/")[-1] + "x/t"]
    for i, location in enumerate(locations):
        probe(f"create at {location!r}", "POST", tables, writer, create_table(f"l{i}", {"location": location}),
              expect=(403,))
        probe(f"set-location {location!r}", "POST", tables + "/target", writer,
              commit({"action": "set-location", "location": location}), expect=(403,))
    for key in ["write.data.path", "write.metadata.path", "write.object-storage.path", "write.folder-storage.path"]:
        for location in [outside, warehouse + "/../outside", warehouse + "/link"]:
            probe(f"create with {key}={location}", "POST", tables, writer,
                  create_table("p", {"properties": {key: location}}), expect=(403,))
            probe(f"set-properties {key}={location}", "POST", tables + "/target", writer,
                  commit({"action": "set-properties", "updates": {key: location}}), expect=(403,))
    for location in [outside + "/copy.metadata.json", "/etc/passwd", warehouse + "/link/copy.metadata.json",
                     "file://" + outside + "/copy.metadata.json", "/proc/self/environ"]:
        probe(f"register {location}", "POST", "/v1/namespaces/hostile/register", admin,
              {"name": "registered", "metadata-location": location}, expect=(403,))

    # 3. Manifest lists naming files outside, or another table's, then a purge.
    victim = get_json("/v1/namespaces/victims/tables/victim", admin)
    victim_list = [s for s in victim["metadata"]["snapshots"] if s["snapshot-id"] == victim["metadata"]["current-snapshot-id"]][0]["manifest-list"]
    def snapshot(sid, manifest_list):
        return [{"action": "add-snapshot", "snapshot": {"snapshot-id": sid, "sequence-number": 1, "timestamp-ms": 1700000000000,
                                                       "manifest-list": manifest_list, "summary": {"operation": "append"}, "schema-id": 0}},
                {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": sid}]
    for i, foreign in enumerate([outside + "/precious.txt", "/etc/passwd", warehouse + "/link/precious.txt",
                                 "file://" + outside + "/precious.txt", warehouse + "/../outside/precious.txt"]):
        probe(f"manifest list {foreign}", "POST", tables + "/target", writer, commit(*snapshot(100 + i, foreign)), expect=(403,))
    for i in range(3):
        name = f"borrower{i}"
        extra = {"location": victim["metadata"]["location"]} if i == 1 else {}
        probe(f"{name} created", "POST", tables, writer, create_table(name, extra), expect=(200,))
        probe(f"{name} borrows the victim's manifest list", "POST", f"{tables}/{name}", writer,
              commit(*snapshot(200 + i, victim_list)), expect=(200,))
        probe(f"the writer purges {name}", "DELETE", f"{tables}/{name}?purgeRequested=true", writer, expect=(403,))
        probe(f"the admin purges {name}", "DELETE", f"{tables}/{name}?purgeRequested=true", admin, expect=(204,))

    # 4. Overflowing ids and updates that would brick a table.
    big = 2**63 - 1
    bad_updates = [
        {"action": "add-schema", "schema": {**SCHEMA, "schema-id": big}},
        {"action": "add-schema", "schema": {**SCHEMA, "schema-id": -1, "fields": [{"id": big, "name": "x", "required": False, "type": "long"}]}},
        {"action": "add-schema", "schema": {**SCHEMA, "schema-id": -1, "fields": [{"id": 2**31, "name": "x", "required": False, "type": "long"}]}},
        {"action": "set-current-schema", "schema-id": 999},
        {"action": "set-current-schema", "schema-id": -1},
        {"action": "set-current-schema", "schema-id": big},
        {"action": "add-spec", "spec": {"spec-id": big, "fields": []}},
        {"action": "add-spec", "spec": {"fields": [{"source-id": 1, "field-id": big, "name": "b", "transform": "bucket[4]"}]}},
        {"action": "add-spec", "spec": {"fields": [{"source-id": 999, "field-id": 1000, "name": "b", "transform": "identity"}]}},
        {"action": "set-default-spec", "spec-id": 999},
        {"action": "add-sort-order", "sort-order": {"order-id": big, "fields": []}},
        {"action": "add-sort-order", "sort-order": {"fields": [{"source-id": 999, "transform": "identity", "direction": "asc", "null-order": "nulls-first"}]}},
        {"action": "set-default-sort-order", "sort-order-id": 999},
        {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": 424242},
        {"action": "set-snapshot-ref", "ref-name": "t", "type": "tag", "snapshot-id": -5},
        {"action": "upgrade-format-version", "format-version": 99},
        {"action": "upgrade-format-version", "format-version": 1},
        {"action": "assign-uuid", "uuid": "not-a-uuid-and-not-this-table"},
        {"action": "remove-snapshot-ref", "ref-name": "main", "extra": [1] * 10},
        {"action": "set-statistics", "snapshot-id": 1, "statistics": {"statistics-path": outside + "/s.puffin"}},
        {"action": "no-such-action"},
        {"action": "add-snapshot", "snapshot": {"snapshot-id": big, "sequence-number": big, "timestamp-ms": -1, "manifest-list": ""}},
    ]
    for update in bad_updates:
        probe(f"update {update['action']} {json.dumps(update)[:80]}", "POST", tables + "/target", writer, commit(update),
              expect=(400, 403, 406, 409, 422) if update["action"] != "remove-snapshot-ref" else (200, 204, 400, 409))
    victim_id = victim["metadata"]["current-snapshot-id"]
    probe("remove snapshots that do not exist (nothing to do, as in Java)", "POST", tables + "/target", writer,
          commit({"action": "remove-snapshots", "snapshot-ids": [big]}), expect=(200,))
    probe("remove the victim's current snapshot", "POST", "/v1/namespaces/victims/tables/victim", admin,
          commit({"action": "remove-snapshots", "snapshot-ids": [victim_id]}), expect=(400,))
    probe("point the victim's main at nothing", "POST", "/v1/namespaces/victims/tables/victim", admin,
          commit({"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": 1}), expect=(400,))

    # 5. Malformed, oversized and slow bodies.
    for i, raw in enumerate([b"{", b"[" * 100000, b"{\"namespace\": " + b"[" * 5000 + b"]" * 5000 + b"}", b"\xff\xfe\x00",
                             b'{"namespace": 1e999999}', b'{"namespace": ["' + b"a" * 900000 + b'"]}', b"null", b"[]",
                             b'{"namespace": {"a": 1}}', b'{"namespace": [null]}', b'"x"', b"1" * 10000]):
        probe(f"malformed namespace body {i}", "POST", "/v1/namespaces", writer, raw_body=raw, expect=(400, 413, 422))
    for i, raw in enumerate([b"{", b'{"name": "t"}', b'{"name": "t", "schema": {"type": "struct", "fields": [' + b"{}," * 1000 + b"{}]}}",
                             b'{"name": "t", "schema": ' + b'{"type": "list", "element-id": 1, "element": ' * 400 + b'"long"' + b"}" * 400 + b"}"]):
        probe(f"malformed create body {i}", "POST", tables, writer, raw_body=raw, expect=(400,))
    for i, raw in enumerate([b"{", b'{"updates": 5}', b'{"requirements": [{"type": "assert-nothing"}], "updates": []}',
                             b'{"requirements": [], "updates": [{"action": "add-schema"}]}', b'{"updates": [' + b"{}," * 10000 + b"{}]}"]):
        probe(f"malformed commit body {i}", "POST", tables + "/target", writer, raw_body=raw, expect=(400,))
    big_body = b'{"updates": [' + b'{"action": "set-properties", "updates": {"k": "v"}},' * 400000 + b'{}]}'
    probe("a 20 MB commit", "POST", tables + "/target", writer, raw_body=big_body, expect=(413,))
    probe("a namespace body over 1 MiB", "POST", "/v1/namespaces", writer, raw_body=b" " * (2 << 20), expect=(413,))
    head = request("POST", "/v1/namespaces", writer, length=1000)
    s = send(port, head, b'{"namespace": ', read=False)
    status = answer(s)[0]
    sent += 1
    if status != 408:
        unexpected.append({"probe": "a slow body", "status": status, "expected": [408]})
    probe("a body shorter than announced, closed", "POST", "/v1/namespaces", writer, raw_body=b"", expect=(400,))

    # 6. Missing and wrong credentials.
    credentials = [None, "", "wrong", admin + "x", admin[:-1], "Bearer", admin.upper()]
    for token in credentials:
        probe(f"token {token!r:.12}", "GET", "/v1/namespaces", token, expect=(401,))
        probe(f"token {token!r:.12} creates", "POST", "/v1/namespaces", token, {"namespace": ["x"]}, expect=(401,))
    for header in ["Authorization: Basic YWRtaW46YWRtaW4=", "Authorization: bearer", "Authorization: AWS4-HMAC-SHA256 junk",
                   "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20200101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0",
                   "Authorization: Negotiate abc", "Authorization: " + "A" * 70000]:
        head = f"GET /v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\nContent-Length: 0\r\n\r\n"
        try:
            status, _ = send(port, head)
        except OSError as e:
            status = f"connection: {e}"
        sent += 1
        if status not in (400, 401, 403, 431, None):
            unexpected.append({"probe": f"header {header[:40]}", "status": status, "expected": [401, 403, 431]})

    # 7. A reader attempting writes.
    for what, method, path, body in [
        ("create namespace", "POST", "/v1/namespaces", {"namespace": ["r"]}),
        ("drop namespace", "DELETE", "/v1/namespaces/hostile", None),
        ("namespace properties", "POST", "/v1/namespaces/hostile/properties", {"updates": {"a": "b"}}),
        ("create table", "POST", tables, create_table("r")),
        ("commit", "POST", tables + "/target", commit({"action": "set-properties", "updates": {"a": "b"}})),
        ("drop", "DELETE", tables + "/target", None),
        ("purge", "DELETE", tables + "/target?purgeRequested=true", None),
        ("register", "POST", "/v1/namespaces/hostile/register", {"name": "r", "metadata-location": victim["metadata-location"]}),
        ("rename", "POST", "/v1/tables/rename", {"source": {"namespace": ["hostile"], "name": "target"}, "destination": {"namespace": ["hostile"], "name": "r"}}),
        ("transaction", "POST", "/v1/transactions/commit", {"table-changes": [{"identifier": {"namespace": ["hostile"], "name": "target"}, **commit({"action": "set-properties", "updates": {"a": "b"}})}]}),
        ("drop the victim", "DELETE", "/v1/namespaces/victims/tables/victim?purgeRequested=true", None),
    ]:
        for _ in range(2):
            probe(f"reader: {what}", method, path, reader, body, expect=(403,))
    probe("writer registers", "POST", "/v1/namespaces/hostile/register", writer,
          {"name": "r", "metadata-location": victim["metadata-location"]}, expect=(403,))

    # 8. Unknown methods and routes.
    for method, path in [("PUT", "/v1/namespaces"), ("PATCH", tables + "/target"), ("GET", "/v2/config"), ("GET", "/"),
                         ("GET", "/v1/../../etc/passwd"), ("GET", "/v1/namespaces/%ZZ"), ("TRACE", "/v1/config")]:
        probe(f"{method} {path}", method, path, reader, expect=(400, 404, 405))
    return {"sent": sent, "unexpected": unexpected}


def main():
    if sys.argv[1] == "limits":
        print(json.dumps(limits(int(sys.argv[2]), sys.argv[3])))
    elif sys.argv[1] == "hostile":
        print(json.dumps(hostile(int(sys.argv[2]), *sys.argv[3:8])))
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")


if __name__ == "__main__":
    main()
