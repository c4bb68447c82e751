#!/usr/bin/env python3
"""Creates the test bucket on a local emulator (standard library only).

make-bucket.py s3 PORT BUCKET       moto: an unsigned PUT is accepted
make-bucket.py gcs PORT BUCKET      fake-gcs-server: JSON API insert
make-bucket.py azure PORT CONTAINER ACCOUNT KEY   Azurite: a Shared Key signed PUT

An existing bucket is not an error."""
import base64, hashlib, hmac, json, sys, urllib.error, urllib.request
from email.utils import formatdate


def send(req):
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        if e.code == 409:  # already exists
            return e.code
        sys.exit(f"make-bucket: {req.full_url}: HTTP {e.code}: {e.read()[:300]!r}")


def main():
    kind, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base = f"http://127.0.0.1:{port}"
    if kind == "s3":
        send(urllib.request.Request(f"{base}/{name}", method="PUT", data=b""))
    elif kind == "gcs":
        body = json.dumps({"name": name}).encode()
        send(urllib.request.Request(f"{base}/storage/v1/b?project=perscache", data=body, method="POST",
                                    headers={"Content-Type": "application/json"}))
    elif kind == "azure":
        account, key = sys.argv[4], sys.argv[5]
        date, version = formatdate(usegmt=True), "2021-08-06"
        path = f"/{account}/{name}"
        canonical_headers = f"x-ms-date:{date}\nx-ms-version:{version}\n"
        # VERB, then Content-Encoding, -Language, -Length (empty for 0), -MD5,
        # Content-Type, Date, If-Modified-Since, If-Match, If-None-Match,
        # If-Unmodified-Since, Range; then the x-ms headers and the resource.
        to_sign = ("PUT\n" + "\n" * 4 + "application/octet-stream\n" + "\n" * 6 + canonical_headers
                   + f"/{account}{path}\nrestype:container")
        sig = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
        send(urllib.request.Request(f"{base}{path}?restype=container", method="PUT", data=b"", headers={
            "x-ms-date": date, "x-ms-version": version, "Authorization": f"SharedKey {account}:{sig}",
            "Content-Length": "0", "Content-Type": "application/octet-stream"}))
    else:
        sys.exit(f"make-bucket: unknown kind {kind}")


main()
