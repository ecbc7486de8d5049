#!/usr/bin/env python3
"""Writes fixtures/oci-signing/vectors.json: request signatures made by Oracle's own Python SDK.

grantlint signs OCI requests itself (there is no official Rust SDK), so its signer is pinned to the
reference implementation: for every test key and request below, this script records the headers
that `oci.signer.Signer` (PyPI package `oci`) adds for a fixed date. The Rust test
`audit::oci::signer::tests::python_sdk_vectors` signs the same requests and compares.

The test keys under fixtures/oci-signing/keys/ are made once, when missing, and committed: they are
throwaway keys for tests, registered nowhere. Regenerate the vectors after changing the cases:

    python3 -m pip install oci cryptography
    python3 scripts/oci_signing_vectors.py
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import oci
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oci._vendor import requests

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "fixtures" / "oci-signing" / "keys"
OUT = ROOT / "fixtures" / "oci-signing" / "vectors.json"

PASSPHRASE = "grantlint-test-passphrase"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq"
USER = "ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq"
DATE = "Thu, 05 Jan 2014 21:31:40 GMT"
IDENTITY = "https://identity.us-ashburn-1.oci.oraclecloud.com/20160918"
QUERY = "https://query.us-ashburn-1.oci.oraclecloud.com/20180409/resources"

# (name, method, url, body or None). The `url` crate and `requests` put the same bytes on the wire
# for each of these URLs; a default port (`:443`) is left out because `url` drops it and `requests`
# keeps it in the signed host.
CASES = [
    ("get-tenancy", "GET", f"{IDENTITY}/tenancies/{TENANCY}", None),
    ("get-page-token-encoded", "GET", f"{IDENTITY}/policies?compartmentId={TENANCY}&limit=1000&page=AAAA%2Bb%2F%3D", None),
    ("get-page-token-raw", "GET", f"{IDENTITY}/policies?compartmentId={TENANCY}&limit=1000&page=AAAA+b/=", None),
    ("get-query-space-encoded", "GET", f"{IDENTITY}/groups?compartmentId={TENANCY}&name=Dev%20Team", None),
    ("get-query-space-raw", "GET", f"{IDENTITY}/groups?compartmentId={TENANCY}&name=Dev Team", None),
    ("get-subtree", "GET", f"{IDENTITY}/compartments?compartmentId={TENANCY}&compartmentIdInSubtree=true&accessLevel=ANY&lifecycleState=ACTIVE", None),
    ("get-explicit-port", "GET", f"https://identity.us-ashburn-1.oci.oraclecloud.com:8443/20160918/users/{USER}", None),
    ("get-loopback", "GET", f"http://127.0.0.1:36123/20160918/users/{USER}/apiKeys", None),
    ("delete-no-body", "DELETE", f"{IDENTITY}/users/{USER}", None),
    ("post-json-body", "POST", QUERY, '{"type":"Structured","query":"query policy resources"}'),
    ("post-empty-body", "POST", QUERY, ""),
    ("put-json-body", "PUT", f"{IDENTITY}/policies/ocid1.policy.oc1..aaaa", '{"description":"read-only audit"}'),
    ("patch-json-body", "PATCH", f"{IDENTITY}/users/{USER}", '{"email":"a@example.com"}'),
]

# (file, passphrase or None, how it is written). Every file holds a different RSA key.
KEY_FILES = [
    ("pkcs1.pem", None, "PKCS#1 `RSA PRIVATE KEY`"),
    ("pkcs8.pem", None, "PKCS#8 `PRIVATE KEY`"),
    ("pkcs8-aes128.pem", PASSPHRASE, "encrypted PKCS#8, PBES2/PBKDF2-SHA256/AES-128-CBC (openssl pkcs8 -topk8 -v2 aes-128-cbc)"),
    ("pkcs8-aes256.pem", PASSPHRASE, "encrypted PKCS#8, PBES2/PBKDF2-SHA256/AES-256-CBC"),
    ("console.pem", None, "PKCS#8 with the console's `OCI_API_KEY` trailer line"),
]


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key, fmt, encryption=serialization.NoEncryption()):
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption)


def make_keys():
    """Writes any missing test key. Existing keys are kept, so committed vectors stay valid."""
    KEYS.mkdir(parents=True, exist_ok=True)
    pkcs8 = serialization.PrivateFormat.PKCS8
    makers = {
        "pkcs1.pem": lambda: pem(new_key(), serialization.PrivateFormat.TraditionalOpenSSL),
        "pkcs8.pem": lambda: pem(new_key(), pkcs8),
        "pkcs8-aes128.pem": lambda: openssl_aes128(pem(new_key(), pkcs8)),
        "pkcs8-aes256.pem": lambda: pem(new_key(), pkcs8, serialization.BestAvailableEncryption(PASSPHRASE.encode())),
        "console.pem": lambda: pem(new_key(), pkcs8) + b"OCI_API_KEY\n",
        # Not signing vectors: inputs for the loader's error messages.
        "legacy-encrypted-pkcs1.pem": lambda: pem(
            new_key(), serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        ),
        "public.pem": lambda: new_key().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    }
    for name, make in makers.items():
        path = KEYS / name
        if not path.exists():
            path.write_bytes(make())
            path.chmod(0o600)


def openssl_aes128(plain_pem):
    """What OpenSSL 3 writes for `genrsa -aes128`, the form Oracle's key instructions produce."""
    return subprocess.run(
        ["openssl", "pkcs8", "-topk8", "-v2", "aes-128-cbc", "-passout", f"pass:{PASSPHRASE}"],
        input=plain_pem, capture_output=True, check=True,
    ).stdout


def fingerprint(key_path, passphrase):
    key = oci.signer.load_private_key_from_file(str(key_path), passphrase)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.md5(der).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def authorization_params(header):
    scheme, _, params = header.partition(" ")
    assert scheme == "Signature", header
    out = {}
    for part in params.split(","):
        name, _, value = part.partition("=")
        out[name] = value.strip('"')
    return out


def main():
    check = "--check" in sys.argv[1:]
    if not check:
        make_keys()
    vectors = []
    for file, passphrase, form in KEY_FILES:
        path = KEYS / file
        fp = fingerprint(path, passphrase)
        signer = oci.signer.Signer(TENANCY, USER, fp, str(path), pass_phrase=passphrase)
        for name, method, url, body in CASES:
            headers = {"date": DATE}
            if body is not None:
                headers["content-type"] = "application/json"
            request = requests.Request(method, url, data=body, headers=headers).prepare()
            signer(request)
            expected = {k: request.headers.get(k) for k in ("date", "host", "content-length", "content-type", "x-content-sha256")}
            vectors.append({
                "name": f"{file}/{name}",
                "key_file": f"keys/{file}",
                "key_form": form,
                "passphrase": passphrase,
                "fingerprint": fp,
                "method": method,
                "url": url,
                "body": body,
                "request_target": f"{method.lower()} {request.path_url}",
                # GET requests carry the SDK's default content-type too, unsigned; only signed
                # headers are compared.
                "headers": {k: v for k, v in expected.items() if v is not None and (body is not None or k in ("date", "host"))},
                "authorization": authorization_params(request.headers["authorization"]),
            })
    document = {
        "generator": f"scripts/oci_signing_vectors.py with the Python SDK oci {oci.__version__}",
        "tenancy": TENANCY,
        "user": USER,
        "date": DATE,
        "vectors": vectors,
    }
    if check:
        committed = json.loads(OUT.read_text())["vectors"]
        if committed != vectors:
            stale = [v["name"] for v, c in zip(vectors, committed) if v != c] or ["(the number of vectors)"]
            print(f"{OUT.relative_to(ROOT)} differs from what oci {oci.__version__} signs: {', '.join(stale)}", file=sys.stderr)
            sys.exit(1)
        print(f"{len(vectors)} vectors match oci {oci.__version__}", file=sys.stderr)
        return
    OUT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(vectors)} vectors to {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
