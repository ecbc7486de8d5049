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
  {"action": "AssumeRole", "match": "222222222222", "status": 403, "code": "AccessDenied"}
                                                             only requests whose body holds `match`
An `action` of "*" matches every request. The action is the query protocol's `Action`, or the
JSON protocol's `X-Amz-Target` operation (Organizations).

A `{"page_size": N}` entry instead pages every list answer N items at a time, for the operations
moto answers whole (PAGED): the proxy forwards the request without its `Marker` (`NextToken`),
keeps the answer's items from the marker on, and adds `IsTruncated` and a `Marker` of its own
(a `NextToken` in JSON; holding
`+ / =`, so a client must form-encode it). Each such request's log line has `page`: [first item,
items in all].
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from loopback import serve_until_stdin_closes  # noqa: E402  (tests/loopback.py)
from urllib.parse import parse_qs, parse_qsl, urlencode

ERROR_CODES = {403: "AccessDenied", 429: "Throttling", 500: "ServiceFailure", 503: "ServiceUnavailable"}
# The list elements of each paged answer; GetAccountAuthorizationDetails pages over all four.
PAGED = {
    "ListAccountAliases": ["AccountAliases"],
    "ListRolePolicies": ["PolicyNames"],
    "ListUserPolicies": ["PolicyNames"],
    "ListAttachedRolePolicies": ["AttachedPolicies"],
    "ListAttachedUserPolicies": ["AttachedPolicies"],
    "ListAccessKeys": ["AccessKeyMetadata"],
    "GetAccountAuthorizationDetails": ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"],
    "ListAccounts": ["Accounts"],
}
PAGED_JSON = {"ListAccounts"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class State:
    def __init__(self, upstream, log_path, faults):
        self.upstream = upstream.rstrip("/")
        self.faults = [dict(f) for f in faults if "page_size" not in f]
        self.page_size = next((f["page_size"] for f in faults if "page_size" in f), None)
        self.log = open(log_path, "a", buffering=1, encoding="utf-8")
        self.lock = threading.Lock()
        self.counter = 0

    def take_fault(self, action, body):
        with self.lock:
            for fault in self.faults:
                matches = fault.get("match", "").encode() in body
                if fault["action"] in ("*", action) and matches and fault.get("count", 1) > 0:
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


def marker(offset):
    return f"pg+{offset}/x=="


def parse_marker(text):
    match = re.fullmatch(r"pg\+(\d+)/x==", text)
    if not match:
        raise ValueError(f"not a marker of this proxy: {text!r}")
    return int(match.group(1))


def strip_paging(body):
    """The form body without Marker and MaxItems, and the marker's offset (0 without one)."""
    pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    offset = next((parse_marker(v) for k, v in pairs if k == "Marker"), 0)
    kept = [(k, v) for k, v in pairs if k not in ("Marker", "MaxItems")]
    return urlencode(kept).encode(), offset


def page(payload, lists, offset, size):
    """The answer cut to `size` items from `offset` on, with IsTruncated and Marker set."""
    root = ET.fromstring(payload)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    ET.register_namespace("", namespace)
    tag = lambda name: f"{{{namespace}}}{name}" if namespace else name
    result = next(child for child in root if child.tag.endswith("Result"))
    items = []
    for name in lists:
        element = result.find(tag(name))
        if element is not None:
            items.extend((element, member) for member in list(element))
    every = items
    if lists == PAGED["GetAccountAuthorizationDetails"]:
        # AWS leaves AWS-managed policies out under the LocalManagedPolicy filter; moto does not.
        items = [(e, m) for e, m in items if not aws_managed(m, tag)]
    kept = items[offset:offset + size]
    for element, member in every:
        if not any(member is k for _, k in kept):
            element.remove(member)
    for name in ("IsTruncated", "Marker"):
        old = result.find(tag(name))
        if old is not None:
            result.remove(old)
    truncated = offset + size < len(items)
    ET.SubElement(result, tag("IsTruncated")).text = "true" if truncated else "false"
    if truncated:
        ET.SubElement(result, tag("Marker")).text = marker(offset + size)
    return ET.tostring(root, encoding="utf-8"), [offset, len(items)]


def page_json(payload, key, offset, size):
    """A JSON answer's `key` list cut to `size` items from `offset` on, with NextToken set."""
    answer = json.loads(payload)
    items = answer.get(key, [])
    answer[key] = items[offset:offset + size]
    answer.pop("NextToken", None)
    if offset + size < len(items):
        answer["NextToken"] = marker(offset + size)
    return json.dumps(answer).encode(), [offset, len(items)]


def aws_managed(member, tag):
    arn = member.find(tag("Arn"))
    return arn is not None and (arn.text or "").startswith("arn:aws:iam::aws:policy/")


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
            form = parse_qs(body.decode("utf-8", "replace")) if body and not self.headers.get("x-amz-target") else {}
            target = self.headers.get("x-amz-target") or ""
            action = (form.get("Action") or [None])[0] if not target else target.rpartition(".")[2]
            entry = {
                "method": self.command,
                "path": self.path,
                "action": action,
                "service": signed_service(self.headers.get("authorization", "")),
            }
            # What names the target of an STS call, for the tests' assertions on it.
            named = {k: v[0] for k, v in form.items() if k in ("RoleArn", "RoleSessionName", "ExternalId", "SerialNumber")}
            if named:
                entry["params"] = named
            fault = state.take_fault(action, body)
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
            paged = state.page_size and action in PAGED
            if paged and action in PAGED_JSON:
                request_json = json.loads(body or b"{}")
                offset = parse_marker(request_json.pop("NextToken")) if "NextToken" in request_json else 0
                request_json.pop("MaxResults", None)
                body = json.dumps(request_json).encode()
            elif paged:
                body, offset = strip_paging(body)
            request = urllib.request.Request(state.upstream + self.path, data=body or None, method=self.command)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    request.add_header(name, value)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, payload, headers = response.status, response.read(), response.headers
            except urllib.error.HTTPError as e:
                status, payload, headers = e.code, e.read(), e.headers
            if paged and status == 200 and action in PAGED_JSON:
                payload, entry["page"] = page_json(payload, PAGED[action][0], offset, state.page_size)
            elif paged and status == 200:
                payload, entry["page"] = page(payload, PAGED[action], offset, state.page_size)
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
    serve_until_stdin_closes(handler(state))


if __name__ == "__main__":
    main()
