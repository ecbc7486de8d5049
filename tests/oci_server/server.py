#!/usr/bin/env python3
"""A stand-in for OCI's Identity API (20160918) for grantlint's audit tests.

    server.py SCENARIO.json LOG.jsonl

Serves the tenancy described by SCENARIO on 127.0.0.1 (a free port, printed on the first line of
standard output as `listening on http://127.0.0.1:PORT`) until its standard input closes.

Like OCI, it VERIFIES EVERY REQUEST'S SIGNATURE: the keyId names a user and the fingerprint of one
of that user's API keys, whose public key (`keyValue`) checks the rsa-sha256 signature over the
signing string rebuilt from the request as received. A request that fails gets 401
NotAuthenticated, so a signing bug fails the tests. It also checks the Date header is within five
minutes, paginates list calls (`pageSize` items a page, with `opc-next-page` tokens that hold
`+ / =`, so a client that does not percent-encode them gets 400), injects faults
(`faults`: [{"path": "/20160918/policies", "status": 429, "count": 1}]: the first `count`
matching requests get that status), and logs every request as a JSON line (method, path, status,
signature verdict) to LOG, for the tests' read-only assertion.

Scenario keys: tenancy, regionSubscriptions, compartments, policies, users, groups, memberships,
apiKeys ({user id: [ApiKey]}), pageSize, faults — objects in the API's own camelCase shapes.

Identity domains: without a `domains` key, ListDomains answers 404, as OCI does for a tenancy
without identity domains. With one, each domain (`path` besides the API's fields) is served on
this same server at `http://<this server>/<path>`, which ListDomains gives as its `url`, and
`scim` {path: {"Users", "Groups", "ApiKeys"}} holds its SCIM resources. The SCIM routes check
signatures like every other, and behave as the Identity Domains API does for what an audit reads:
`filter` (`attribute eq "value"`, case-insensitive for names), `attributes` (a user's `groups`, a
group's `members` and a user's last login come back only when named, and naming any attribute
returns only those named plus the always-returned), `startIndex`/`count` paging in pages of
`pageSize`, a user's `groups` derived from the groups' `members`, and SCIM error bodies.
"""

import base64
import email.utils
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from loopback import serve_until_stdin_closes  # noqa: E402  (tests/loopback.py)

API = "/20160918"
GET_HEADERS = ["date", "(request-target)", "host"]
BODY_HEADERS = GET_HEADERS + ["content-length", "content-type", "x-content-sha256"]
MAX_SKEW_SECONDS = 300


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def page_token(offset):
    # Opaque like OCI's tokens, and holding `+ / =`, which a client must percent-encode.
    return f"Pg+{offset}/x=="


def parse_page(token):
    if token.startswith("Pg+") and token.endswith("/x==") and token[3:-4].isdigit():
        return int(token[3:-4])
    raise ApiError(400, "InvalidParameter", f"invalid page token {token!r}")


class State:
    def __init__(self, scenario, log_path):
        self.scenario = scenario
        self.page_size = scenario.get("pageSize", 1000)
        self.faults = [dict(f) for f in scenario.get("faults", [])]
        self.log = open(log_path, "a", buffering=1)
        self.lock = threading.Lock()
        self.counter = 0

    def next_request_id(self, client_id):
        with self.lock:
            self.counter += 1
            return f"{client_id or 'SERVER'}/{self.counter:08X}"

    def take_fault(self, path):
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault["path"]) and fault.get("count", 1) > 0:
                    fault["count"] = fault.get("count", 1) - 1
                    return fault
        return None

    def record(self, entry):
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")

    def public_key(self, user_id, fingerprint):
        for key in self.scenario.get("apiKeys", {}).get(user_id, []):
            if key["fingerprint"] == fingerprint and key.get("lifecycleState", "ACTIVE") == "ACTIVE":
                return serialization.load_pem_public_key(key["keyValue"].encode())
        return None


def authenticate(state, handler):
    """Verifies the request's signature the way OCI does; raises ApiError(401) when it fails."""
    def fail(why):
        raise ApiError(401, "NotAuthenticated", f"The required information to complete authentication was not provided or was incorrect. ({why})")

    header = handler.headers.get("authorization", "")
    scheme, _, params = header.partition(" ")
    if scheme != "Signature":
        fail("no Signature authorization")
    fields = {}
    for part in params.split(","):
        name, _, value = part.partition("=")
        fields[name.strip()] = value.strip().strip('"')
    if fields.get("version") != "1" or fields.get("algorithm") != "rsa-sha256":
        fail("unsupported signature version or algorithm")
    names = fields.get("headers", "").split(" ")
    required = BODY_HEADERS if handler.command in ("POST", "PUT", "PATCH") else GET_HEADERS
    if names[: len(required)] != required:
        fail(f"signed headers {names} do not start with {required}")
    tenancy, _, rest = fields.get("keyId", "").partition("/")
    user_id, _, fingerprint = rest.partition("/")
    if tenancy != state.scenario["tenancy"]["id"]:
        fail("keyId names another tenancy")
    key = state.public_key(user_id, fingerprint)
    if key is None:
        fail("no active API key with that fingerprint for that user")
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {handler.command.lower()} {handler.path}")
        elif handler.headers.get(name) is None:
            fail(f"signed header {name} is missing")
        else:
            lines.append(f"{name}: {handler.headers.get(name)}")
    try:
        key.verify(base64.b64decode(fields.get("signature", "")), "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        fail("signature does not verify")
    sent = email.utils.parsedate_to_datetime(handler.headers["date"]).timestamp()
    if abs(time.time() - sent) > MAX_SKEW_SECONDS:
        fail("date header more than five minutes off")


def route(state, path, query, host):
    """The response body and its next-page token for a GET of path?query."""
    s = state.scenario
    domain = scim_domain(state, path)
    if domain is not None:
        return scim_route(state, domain, path[len(domain["path"]) + 1:], query), None
    tenancy = s["tenancy"]
    parts = path[len(API):].strip("/").split("/") if path.startswith(API + "/") else []
    arg = lambda name: query.get(name, [None])[0]

    def need(name):
        value = arg(name)
        if value is None:
            raise ApiError(400, "MissingParameter", f"Missing query parameter {name}")
        return value

    def one(items, wanted):
        for item in items:
            if item["id"] == wanted:
                return item
        raise ApiError(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")

    def paged(items):
        offset = parse_page(arg("page")) if arg("page") is not None else 0
        size = min(state.page_size, int(arg("limit") or 1000))
        rest = items[offset + size:]
        return items[offset:offset + size], (page_token(offset + size) if rest else None)

    def in_tenancy():
        if need("compartmentId") != tenancy["id"]:
            raise ApiError(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")

    if parts[:1] == ["tenancies"] and len(parts) == 2:
        return one([tenancy], parts[1]), None
    if parts[:1] == ["tenancies"] and len(parts) == 3 and parts[2] == "regionSubscriptions":
        one([tenancy], parts[1])
        return s.get("regionSubscriptions", []), None
    if parts == ["compartments"]:
        parent = need("compartmentId")
        everything = s.get("compartments", [])
        if arg("compartmentIdInSubtree") == "true":
            if parent != tenancy["id"]:
                raise ApiError(400, "InvalidParameter", "compartmentIdInSubtree needs the tenancy")
            found = everything
        else:
            found = [c for c in everything if c["compartmentId"] == parent]
        state_filter = arg("lifecycleState")
        return paged([c for c in found if state_filter is None or c["lifecycleState"] == state_filter])
    if parts == ["policies"]:
        compartment = need("compartmentId")
        known = [tenancy["id"]] + [c["id"] for c in s.get("compartments", [])]
        if compartment not in known:
            raise ApiError(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")
        return paged([p for p in s.get("policies", []) if p["compartmentId"] == compartment])
    if parts[:1] == ["users"] and len(parts) == 2:
        return one(s.get("users", []), parts[1]), None
    if parts[:1] == ["users"] and len(parts) == 3 and parts[2] == "apiKeys":
        one(s.get("users", []), parts[1])
        keys = s.get("apiKeys", {}).get(parts[1], [])
        return [{k: v for k, v in key.items()} for key in keys], None
    if parts == ["groups"]:
        in_tenancy()
        return paged(s.get("groups", []))
    if parts == ["domains"]:
        if "domains" not in s:
            raise ApiError(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")
        compartment = need("compartmentId")
        state_filter = arg("lifecycleState")
        found = [
            {**{k: v for k, v in d.items() if k != "path"}, "url": f"http://{host}/{d['path']}"}
            for d in s["domains"]
            if d["compartmentId"] == compartment and (state_filter is None or d["lifecycleState"] == state_filter)
        ]
        return paged(found)
    if parts == ["userGroupMemberships"]:
        in_tenancy()
        found = s.get("memberships", [])
        if arg("groupId"):
            found = [m for m in found if m["groupId"] == arg("groupId")]
        if arg("userId"):
            found = [m for m in found if m["userId"] == arg("userId")]
        return paged(found)
    raise ApiError(404, "NotFound", f"No route for {path}")


SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User"
# Per resource type: attributes always returned, and those returned only when asked for
# (`returned: always` and `returned: request` in the Identity Domains API's schemas).
ALWAYS = {"Users": ["id", "userName", "schemas"], "Groups": ["id", "displayName", "schemas"], "ApiKeys": ["id", "schemas"]}
ON_REQUEST = {"Users": ["groups", f"{USER_STATE}:lastSuccessfulLoginDate"], "Groups": ["members"], "ApiKeys": []}
CASE_EXACT = {"ocid", "user.ocid", "user.value", "id"}
FILTER = re.compile(r'^([A-Za-z]+(?:\.[A-Za-z]+)?) eq ("(?:[^"\\]|\\.)*")$')


def scim_domain(state, path):
    for domain in state.scenario.get("domains", []):
        if path.startswith("/" + domain["path"] + "/"):
            return domain
    return None


def lookup(resource, attribute):
    value = resource
    for part in attribute.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def project(resource, kind, attributes):
    """The resource as the API returns it for `attributes` (a list, or None when not given)."""
    if attributes is None:
        out = json.loads(json.dumps(resource))
        for name in ON_REQUEST[kind]:
            schema, _, attr = name.rpartition(":")
            if schema:
                out.get(schema, {}).pop(attr, None)
            else:
                out.pop(name, None)
        return out
    out = {k: resource[k] for k in ALWAYS[kind] if k in resource}
    for name in attributes:
        if name.startswith("urn:"):
            schema, _, attr = name.rpartition(":")
            if attr in resource.get(schema, {}):
                out.setdefault(schema, {})[attr] = resource[schema][attr]
        elif name in resource:
            out[name] = resource[name]
    return out


def scim_route(state, domain, path, query):
    """A SCIM search of one domain: a ListResponse."""
    data = state.scenario.get("scim", {}).get(domain["path"], {})
    kind = path.removeprefix("/admin/v1/")
    if kind not in ALWAYS:
        raise ApiError(404, "NotFound", f"No route for {path}")
    arg = lambda name: query.get(name, [None])[0]
    resources = [dict(r) for r in data.get(kind, [])]
    if kind == "Users":
        for user in resources:
            user["groups"] = [
                {"value": g["id"], "ocid": g["ocid"], "display": g["displayName"], "$ref": f"/admin/v1/Groups/{g['id']}"}
                for g in data.get("Groups", [])
                if any(m["value"] == user["id"] for m in g.get("members", []))
            ]
    if arg("filter") is not None:
        match = FILTER.match(arg("filter"))
        if not match:
            raise ApiError(400, "InvalidFilter", f"unsupported filter {arg('filter')!r}")
        attribute, wanted = match.group(1), json.loads(match.group(2))
        if attribute in CASE_EXACT:
            resources = [r for r in resources if lookup(r, attribute) == wanted]
        else:
            resources = [r for r in resources if str(lookup(r, attribute) or "").lower() == wanted.lower()]
    attributes = arg("attributes").split(",") if arg("attributes") is not None else None
    start = int(arg("startIndex") or 1)
    count = min(state.page_size, int(arg("count") or 50))
    page = resources[start - 1:start - 1 + count]
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": start,
        "itemsPerPage": len(page),
        "Resources": [project(r, kind, attributes) for r in page],
    }


def handler_for(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, next_page=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("opc-request-id", state.next_request_id(self.headers.get("opc-request-id")))
            if next_page:
                self.send_header("opc-next-page", next_page)
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            entry = {"method": self.command, "path": self.path, "retry": self.headers.get("opc-client-retries") == "true"}
            next_page = None
            try:
                try:
                    authenticate(state, self)
                    entry["signature"] = "verified"
                except ApiError:
                    entry["signature"] = "rejected"
                    raise
                if self.command != "GET":
                    raise ApiError(405, "NotAllowed", f"{self.command} is not served here")
                fault = state.take_fault(self.path)
                if fault:
                    codes = {429: ("TooManyRequests", "User-rate limit exceeded."), 500: ("InternalServerError", "Internal error.")}
                    code, message = codes.get(fault["status"], ("Fault", "injected fault"))
                    raise ApiError(fault["status"], code, message)
                url = urlsplit(self.path)
                body, next_page = route(state, url.path, parse_qs(url.query, keep_blank_values=True), self.headers.get("host"))
                status = 200
            except ApiError as e:
                status, body = e.status, {"code": e.code, "message": e.message}
                if scim_domain(state, urlsplit(self.path).path) is not None:
                    body = {"schemas": [SCIM_ERROR], "detail": e.message, "status": str(e.status)}
                entry["code"] = e.code
            entry["status"] = status
            # Logged before answering, so the log is complete once the client has its answer.
            state.record(entry)
            self.answer(status, body, next_page)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    scenario_path, log_path = sys.argv[1], sys.argv[2]
    with open(scenario_path) as f:
        scenario = json.load(f)
    state = State(scenario, log_path)
    serve_until_stdin_closes(handler_for(state))


if __name__ == "__main__":
    main()
