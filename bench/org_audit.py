#!/usr/bin/env python3
"""Benchmark of `grantlint audit aws --organization`: a simulated organisation in moto.

    bench/org_audit.py GRANTLINT [MEMBERS [OTHER_ROLES [JOBS]]]

Starts moto_server (from the Python running this script: the test virtualenv that
scripts/test.sh sets up), seeds an organisation of MEMBERS member accounts (default 200), each
with DigiUsher's role and OTHER_ROLES other roles (default 50; tests/aws_server/seed_org.py),
then audits it with GRANTLINT: every account (`--organization`), and a quarter of them
(`--accounts`), to show peak memory does not follow the number of accounts. Prints, for each run,
the wall time, the requests per account (from `--verbose`, which logs every request) and the
peak resident memory of the grantlint process (GNU time's `%M`). Not a test: nothing is asserted.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def audit(grantlint, endpoint, selection, jobs, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=home,
        AWS_CONFIG_FILE=os.path.join(home, "none"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "none"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
    )
    args = [grantlint, "audit", "aws", "--endpoint", endpoint, *selection,
            "--member-role", "OrganizationAccountAccessRole", "--role", "DigiUsher-ReadAccess",
            "--profile", "digiusher", "--jobs", str(jobs), "--format", "json", "--verbose"]
    # GNU time reports the peak resident memory of grantlint alone, in KiB.
    started = time.monotonic()
    run = subprocess.run(["/usr/bin/time", "-f", "maxrss-kib=%M", *args], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    wall = time.monotonic() - started
    if run.returncode == 2:
        sys.exit(f"the audit failed:\n{run.stderr[-4000:]}")
    report = json.loads(run.stdout)
    lines = run.stderr.splitlines()
    requests = sum(1 for line in lines if " -> " in line)
    peak = next(int(line.split("=")[1]) for line in lines if line.startswith("maxrss-kib="))
    return report["summary"]["files"], wall, requests, peak


def main():
    grantlint = os.path.abspath(sys.argv[1])
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    others = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "false"},
    )
    try:
        started = time.monotonic()
        seeded = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tests/aws_server/seed_org.py"), endpoint,
             os.path.join(ROOT, "fixtures/digiusher"), str(members), str(others)],
            check=True, capture_output=True, text=True,
        )
        org = json.loads(seeded.stdout)
        print(f"seeded {members} member accounts with {others + 1} roles each in {time.monotonic() - started:.0f} s")
        quarter = ",".join(org["accounts"][: max(1, members // 4)])
        with tempfile.TemporaryDirectory() as home:
            for name, selection in [("organization", ["--organization"]), ("quarter", ["--accounts", quarter])]:
                accounts, wall, requests, peak = audit(grantlint, endpoint, selection, jobs, home)
                print(f"{name}: {accounts} accounts in {wall:.1f} s, {requests / accounts:.1f} requests per account, "
                      f"peak memory {peak / 1024:.1f} MiB (--jobs {jobs})")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
