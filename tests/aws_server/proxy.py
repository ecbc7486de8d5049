#!/usr/bin/env python3
"""A recording, fault-injecting proxy in front of moto, for grantlint's `audit aws` tests.

    proxy.py UPSTREAM LOG.jsonl FAULTS.json

Listens on 127.0.0.1 (a free port, printed on the first line of standard output as
`listening on http://127.0.0.1:PORT`) until its standard input closes, and forwards every request
to UPSTREAM (moto_server) unchanged. Each request is logged to LOG as one JSON line: method, path,
the API action (the `Action` of the query-protocol form body), the service it was signed for, the
status returned and the fault injected, if any — what the tests' read-only assertion reads.

FAULTS is a JSON list; the first `count` requests (default 1) for `action` get:
  {"action": "GetRole", "status": 429}                       an error in IAM's XML shape
  {"action": "GetRole", "status": 403, "code": "AccessDenied", "message": "..."}
  {"action": "GetRole", "delay": 2.5}                         forwarded after a pause
An `action` of "*" matches every request.
"""

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ERROR_CODES = {403: "AccessDenied", 429: "Throttling", 500: "ServiceFailure", 503: "ServiceUnavailable"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class State:
    def __init__(self, upstream, log_path, faults):
        self.upstream = upstream.rstrip("/")
        self.faults = [dict(f) for f in faults]
        self.log = open(log_path, "a", buffering=1, encoding="utf-8")
        self.lock = threading.Lock()
        self.counter = 0

    def take_fault(self, action):
        with self.lock:
            for fault in self.faults:
                if fault["action"] in ("*", action) and fault.get("count", 1) > 0:
                    fault["count"] = fault.get("count", 1) - 1
                    return fault
        return None

    def request_id(self):
        with self.lock:
            self.counter += 1
            return f"grantlint-proxy-{self.counter:06d}"

    def record(self, entry):
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")


def signed_service(authorization):
    # AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, SignedHeaders=…
    credential = authorization.partition("Credential=")[2].split(",")[0]
    parts = credential.split("/")
    return parts[3] if len(parts) >= 5 else None


def error_body(status, code, message, request_id):
    kind = "Receiver" if status >= 500 else "Sender"
    return (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        f"<Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


def handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            form = parse_qs(body.decode("utf-8", "replace")) if body else {}
            action = (form.get("Action") or [None])[0]
            entry = {
                "method": self.command,
                "path": self.path,
                "action": action,
                "service": signed_service(self.headers.get("authorization", "")),
            }
            fault = state.take_fault(action)
            if fault and "status" in fault:
                status = fault["status"]
                code = fault.get("code", ERROR_CODES.get(status, "ServiceFailure"))
                message = fault.get("message", f"injected {status} for {action}")
                request_id = state.request_id()
                self.reply(status, error_body(status, code, message, request_id), "text/xml", request_id)
                state.record({**entry, "status": status, "fault": code})
                return
            if fault:
                time.sleep(fault["delay"])
                entry["fault"] = f"delay {fault['delay']}"
            request = urllib.request.Request(state.upstream + self.path, data=body or None, method=self.command)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    request.add_header(name, value)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, payload, headers = response.status, response.read(), response.headers
            except urllib.error.HTTPError as e:
                status, payload, headers = e.code, e.read(), e.headers
            try:
                self.reply(status, payload, headers.get("content-type", "text/xml"), headers.get("x-amzn-requestid"))
            except (BrokenPipeError, ConnectionResetError):
                entry["client"] = "gone"
            state.record({**entry, "status": status})

        def reply(self, status, payload, content_type, request_id):
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(payload)))
            if request_id:
                self.send_header("x-amzn-requestid", request_id)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

    return Handler


def main():
    upstream, log_path, faults_path = sys.argv[1:4]
    with open(faults_path, encoding="utf-8") as f:
        state = State(upstream, log_path, json.load(f))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
