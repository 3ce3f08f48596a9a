#!/usr/bin/env python3
"""Writes the audit sample corpus under tests/audit/ (deterministic: a fixed seed).

    python3 scripts/gen-audit-sample.py            # writes tests/audit/sample.jsonl and sample.warc.gz

* sample.jsonl: 300 audit lines v1 (DESIGN.md §7); about 1% are malformed on
  purpose (bad JSON, wrong types, a missing field) and a few more carry values
  the auditor refuses (a non-http URL, an origin with a path), so that error
  lines are part of the golden output.
* sample.warc.gz: a small WARC/1.1 file, one gzip member per record as Common
  Crawl writes it: warcinfo, request/response pairs, metadata, a response
  without HTTP headers, a non-HTTP resource record, and an HTTP body that
  contains header-like lines (which must not be read as headers).

The expected outputs (tests/audit/*.expected.jsonl) come from the binary:
`UPDATE_GOLDENS=1 cargo test -p cookie-doctor --test audit` rewrites them.
"""
import gzip
import json
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "audit")

HOSTS = [
    "app.example.com", "api.example.com", "shop.example.org", "login.example.net",
    "cdn.example.com", "widget.example.io", "www.example.co.uk", "example.github.io",
]
EMBEDDERS = ["https://partner.example", "https://blog.example.org", "https://app.example.com"]
CALLERS = ["https://spa.example", "https://admin.example.com", "https://shop.example.org"]
COOKIES = [
    "sid={v}; Path=/; Secure; HttpOnly; SameSite=Lax",
    "sid={v}; SameSite=None",
    "sid={v}; Secure; SameSite=None",
    "sid={v}; Secure; SameSite=None; Partitioned",
    "__Host-sid={v}; Path=/; Secure; HttpOnly",
    "__Host-sid={v}; Domain=example.com; Path=/; Secure",
    "__Secure-id={v}; HttpOnly",
    "prefs={v}; Max-Age=63072000",
    "theme=dark",
    "session={v}; Domain=.example.com; Path=/",
    "tracker={v}; Domain=github.io; Secure; SameSite=None",
    "csrftoken={v}; Path=/; SameSite=Strict",
    "auth={v}; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly; SameSite=Strict",
    "sid=; Max-Age=0; Path=/",
]
OTHER_HEADERS = [
    "Content-Type: text/html; charset=utf-8",
    "Access-Control-Allow-Origin: *",
    "Access-Control-Allow-Credentials: true",
    "X-Frame-Options: DENY",
    "X-Frame-Options: SAMEORIGIN",
    "Content-Security-Policy: frame-ancestors 'self' https://partner.example",
    "Vary: Origin",
    "Cache-Control: no-store",
]
MALFORMED = [
    '{"url": "https://app.example.com/", "headers": ["Set-Cookie: a=b"',
    '{"url": "https://app.example.com/", "status": "200", "headers": []}',
    '{"status": 200, "headers": ["Set-Cookie: a=b"]}',
    'GET / HTTP/1.1',
]
REFUSED = [
    {"url": "ftp://files.example.com/", "headers": ["Set-Cookie: a=b"]},
    {"url": "https://app.example.com/", "headers": ["Set-Cookie: a=b"], "embedded_in": ["https://partner.example/path"]},
    {"url": "https://app.example.com/", "headers": ["no colon here"]},
]


def response(rng):
    host = rng.choice(HOSTS)
    scheme = "https" if rng.random() < 0.85 else "http"
    url = f"{scheme}://{host}/{rng.choice(['', 'login', 'account', 'api/v1/me', 'embed'])}"
    headers = [rng.choice(OTHER_HEADERS) for _ in range(rng.randint(0, 2))]
    for _ in range(rng.choice([0, 1, 1, 1, 2])):
        headers.append("Set-Cookie: " + rng.choice(COOKIES).format(v=rng.randint(1000, 9999)))
    rng.shuffle(headers)
    line = {"url": url, "status": rng.choice([200, 200, 200, 302, 404]), "headers": headers}
    if rng.random() < 0.3:
        line["embedded_in"] = rng.sample(EMBEDDERS, rng.randint(1, 2))
    if rng.random() < 0.2:
        line["called_from"] = rng.sample(CALLERS, 1)
    if rng.random() < 0.05:
        line["crawler"] = {"unknown": "fields are ignored"}
    return line


def jsonl(rng):
    lines = []
    for i in range(300):
        if i % 97 == 50:
            lines.append(MALFORMED[(i // 97) % len(MALFORMED)])
        elif i % 101 == 77:
            lines.append(json.dumps(REFUSED[(i // 101) % len(REFUSED)]))
        else:
            lines.append(json.dumps(response(rng), separators=(",", ":")))
    return "\n".join(lines) + "\n"


def record(kind, uri, content_type, block):
    head = [f"WARC/1.1", f"WARC-Type: {kind}", f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{len(block):012d}>",
            "WARC-Date: 2026-11-01T00:00:00Z"]
    if uri:
        head.append(f"WARC-Target-URI: {uri}")
    head += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def warc(rng):
    records = [record("warcinfo", None, "application/warc-fields", b"software: gen-audit-sample.py\r\nformat: WARC File Format 1.1\r\n")]
    for i in range(24):
        line = response(rng)
        url = line["url"]
        host = url.split("/")[2]
        records.append(record("request", url, "application/http; msgtype=request",
                              f"GET /{url.split('/', 3)[3]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()))
        status = line["status"]
        head = f"HTTP/1.1 {status} X\r\n" + "".join(h + "\r\n" for h in line["headers"]) + "\r\n"
        body = f"<html><body>record {i}\r\nSet-Cookie: body=not-a-header\r\n</body></html>".encode()
        records.append(record("response", url, "application/http; msgtype=response", head.encode() + body))
        if i % 6 == 0:
            records.append(record("metadata", url, "application/warc-fields", b"fetchTimeMs: 12\r\n"))
        if i == 10:
            records.append(record("response", "https://empty.example.com/", "application/http; msgtype=response", b""))
        if i == 15:
            records.append(record("resource", "https://app.example.com/logo.png", "image/png", bytes(range(256))))
    out = b""
    for r in records:
        out += gzip.compress(r, compresslevel=6, mtime=0)
    return out


def main():
    os.makedirs(ROOT, exist_ok=True)
    with open(os.path.join(ROOT, "sample.jsonl"), "w", newline="\n") as f:
        f.write(jsonl(random.Random(20261203)))
    with open(os.path.join(ROOT, "sample.warc.gz"), "wb") as f:
        f.write(warc(random.Random(7)))


if __name__ == "__main__":
    main()
