"""Raw HTTP probes of `iceberg serve` for the Swift tests: what a careless or hostile client
does that no Iceberg client library would.

Usage:
  serve_probe.py limits PORT TOKEN
      with a server started with --max-concurrent-requests 1 --request-timeout 2 --max-commit-body 1000:
      a request whose body never arrives, a request sent while it holds the only slot, an oversized
      commit, an oversized body without credentials, and a plain request afterwards; prints statuses
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


def main():
    if sys.argv[1] == "limits":
        print(json.dumps(limits(int(sys.argv[2]), sys.argv[3])))
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")


if __name__ == "__main__":
    main()
