"""Property-based API fuzzing: schemathesis over our OpenAPI, as an admin, on the demo data.

    python scripts/fuzz.py [--max-examples N] [--seed S] [--database-url URL] [--keep]

Builds a throw-away service (a temporary data directory and SpatiaLite database, migrated,
demo data loaded, an admin signed in), serves it with uvicorn on a free loopback port, runs
`schemathesis run` against /openapi.json with the `not_a_server_error` check, then reads
the recorded exchanges (HAR) and prints, per operation, the cases sent and the 5xx answers
with a reproducing request; the server's exceptions are grouped from its log. Exits 1 on
any 5xx (or when the run could not be made), 0 otherwise.

The fuzzing token is a login session token, not an API token: an admin may revoke any API
token (DELETE /api/v1/auth/api-tokens/{id} with a guessed small id), which would turn the
rest of the run into 401s. POST /api/v1/auth/revoke is left out for the same reason (it
revokes the very token used to call it); nothing else is excluded.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import fuzz_targeted
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
ADMIN = ("fuzz-admin", "fuzz-admin-password-2026")
# Paths whose operations would end the run itself (see the module docstring).
EXCLUDED_PATHS = ["/api/v1/auth/revoke"]


@dataclass
class Operation:
    """One OpenAPI operation and what the fuzzer saw of it."""

    method: str
    path: str
    pattern: re.Pattern[str]
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> str:
    """Run `ecoleads ARGS` against the fuzzing database; return its stdout."""
    r = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0:
        raise SystemExit(f"ecoleads {' '.join(args[:2])} failed:\n{r.stderr[-2000:]}")
    return r.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrate, load the demo data and create the admin who fuzzes."""
    cli(env, "migrate")
    cli(env, "demo")
    cli(env, "users", "create", "--username", ADMIN[0], "--password", ADMIN[1],
        "--role", "admin", "--org", "130700", "--display-name", "Fuzzing admin")  # fmt: skip


def request(url: str, data: bytes | None = None, token: str | None = None) -> tuple[int, bytes]:
    """A plain HTTP request; return status and body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start the service and wait until /health answers."""
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env={**env, "ECOLEADS_PORT": str(port)},
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the service exited:\n{log.read_text()[-2000:]}")
        try:
            if request(f"http://127.0.0.1:{port}/health")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the service did not start")


def sign_in(base: str) -> str:
    """Log the admin in; return the session token."""
    form = urllib.parse.urlencode({"username": ADMIN[0], "password": ADMIN[1]}).encode()
    status, body = request(f"{base}/api/v1/auth/token", data=form)
    if status != 200:
        raise SystemExit(f"sign-in failed: {status} {body[:300]!r}")
    return str(json.loads(body)["access_token"])


def operations(base: str) -> list[Operation]:
    """The operations of the service's OpenAPI document, with a regex for their paths."""
    spec = json.loads(request(f"{base}/openapi.json")[1])
    ops = []
    for path, items in spec["paths"].items():
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        for method in items:
            ops.append(Operation(method.upper(), path, re.compile(f"^{regex}$")))
    # Literal segments first: /leads/map must not count as /leads/{lead_id}.
    ops.sort(key=lambda o: (o.path.count("{"), -len(o.path)))
    return ops


def run_schemathesis(
    base: str, token: str, args: argparse.Namespace, har: Path
) -> subprocess.CompletedProcess[str]:
    """Run the schemathesis CLI; the exchanges are recorded in `har`."""
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
        "--url", base,
        "--header", f"Authorization: Bearer {token}",
        "--checks", "not_a_server_error",
        "--max-examples", str(args.max_examples),
        "--phases", args.phases,
        "--seed", str(args.seed),
        "--workers", str(args.workers),
        "--request-timeout", "60",
        "--suppress-health-check", "all",
        "--continue-on-failure",
        "--no-shrink",
        "--report", "har",
        "--report-har-path", str(har),
        "--output-sanitize", "true",
    ]  # fmt: skip
    for path in EXCLUDED_PATHS:
        cmd += ["--exclude-path", path]
    shown = [c.replace(token, "$TOKEN") for c in cmd[1:]]
    print("$ python", " ".join(c if " " not in c else repr(c) for c in shown), flush=True)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def tally(har: Path, ops: list[Operation], base: str) -> list[dict[str, Any]]:
    """Count each recorded exchange against its operation; return the unmatched ones."""
    unmatched = []
    for entry in json.loads(har.read_text())["log"]["entries"]:
        req, res = entry["request"], entry["response"]
        url = urllib.parse.urlsplit(req["url"])
        op = next((o for o in ops if o.method == req["method"] and o.pattern.match(url.path)), None)
        if op is None:
            unmatched.append(entry)
            continue
        op.cases += 1
        op.statuses[res["status"]] += 1
        if res["status"] >= 500:
            op.errors.append(entry)
    return unmatched


def reproducer(entry: dict[str, Any]) -> str:
    """A curl command reproducing one exchange (long bodies cut)."""
    req = entry["request"]
    parts = [f"curl -sS -X {req['method']} '{req['url']}'", "-H 'Authorization: Bearer $TOKEN'"]
    for h in req.get("headers", []):
        if h["name"].lower() == "content-type":
            parts.append(f"-H 'Content-Type: {h['value']}'")
    text = (req.get("postData") or {}).get("text")
    if text:
        cut = text if len(text) <= 400 else text[:400] + f"…(+{len(text) - 400} chars)"
        parts.append(f"--data-binary {json.dumps(cut, ensure_ascii=False)}")
    return " ".join(parts)


def exceptions(log: Path) -> Counter[str]:
    """The server's exceptions by their last traceback line."""
    found: Counter[str] = Counter()
    lines = log.read_text(errors="replace").splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = next(
                (lines[k] for k in range(n + 1, len(lines)) if not lines[k].startswith(" ")), ""
            )
            found[tail[:200]] += 1
    return found


def report(ops: list[Operation], unmatched: list[dict[str, Any]], seconds: float, log: Path) -> int:
    """Print the figures; return the number of 5xx answers."""
    total = sum(o.cases for o in ops) + len(unmatched)
    outside = Counter(e["response"]["status"] for e in unmatched)
    outside_errors = [e for e in unmatched if e["response"]["status"] >= 500]
    errors = sum(len(o.errors) for o in ops) + len(outside_errors)
    print(f"\n{total} cases in {seconds:.0f} s over {sum(1 for o in ops if o.cases)} "
          f"operations; {errors} server errors")  # fmt: skip
    print(f"{len(unmatched)} of them probe methods or paths the schema lacks: "
          + " ".join(f"{s}×{c}" for s, c in sorted(outside.items())))  # fmt: skip
    print(f"{'operation':58} {'cases':>6} {'5xx':>5}  statuses")
    for o in sorted(ops, key=lambda o: (o.path, o.method)):
        statuses = " ".join(f"{s}×{c}" for s, c in sorted(o.statuses.items()))
        print(f"{o.method + ' ' + o.path:58} {o.cases:6} {len(o.errors):5}  {statuses}")
    for o in ops:
        if o.errors:
            shortest = min(o.errors, key=lambda e: len(json.dumps(e["request"])))
            print(f"\n5xx {o.method} {o.path}: {len(o.errors)} of {o.cases}; e.g.\n  "
                  + reproducer(shortest))  # fmt: skip
    for entry in outside_errors[:5]:
        print("\n5xx outside the schema; e.g.\n  " + reproducer(entry))
    found = exceptions(log)
    if found:
        print("\nserver exceptions (last traceback line):")
        for line, count in found.most_common():
            print(f"  {count:5} × {line}")
    return errors


def targeted_cases(base: str, token: str) -> list[tuple[fuzz_targeted.Case, int]]:
    """Send the targeted cases (scripts/fuzz_targeted.py); print and return their 5xx."""
    spec = json.loads(request(f"{base}/openapi.json")[1])
    ogc = json.loads(request(f"{base}/ogc/collections", token=token)[1])
    photo = BytesIO()
    Image.new("RGB", (32, 24), (90, 120, 60)).save(photo, "JPEG")
    cases = [
        *fuzz_targeted.parameter_cases(spec),
        *fuzz_targeted.fixed_cases([c["id"] for c in ogc["collections"]], photo.getvalue()),
    ]
    failed = fuzz_targeted.run(base, token, cases)
    print(f"\ntargeted cases (ends of time, control characters, 2^31/2^63): {len(cases)} sent, "
          f"{len(failed)} server errors")  # fmt: skip
    for case, status in failed[:20]:
        print(f"  {status} {case.method} {case.url!r}")
    return failed


def main() -> int:
    """Set up, fuzz, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # About 1,650 cases come from the examples and coverage phases whatever this is; each
    # unit here adds about 50 fuzzing cases (one per operation): 25 gives ~2,900 in all.
    parser.add_argument("--max-examples", type=int, default=25, help="per operation and phase")
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="default: a new SpatiaLite file")
    parser.add_argument("--keep", action="store_true", help="keep the data dir, log and HAR")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ecoleads-fuzz-"))
    env = {
        **os.environ,
        "ECOLEADS_DATA_DIR": str(data),
        "ECOLEADS_DATABASE_URL": args.database_url or f"sqlite:///{data / 'db' / 'fuzz.db'}",
        "ECOLEADS_LOG_LEVEL": "WARNING",
        "ECOLEADS_LOG_JSON": "false",
        # Let the reports' abuse limits not answer everything with 429 after six cases.
        "ECOLEADS_REPORTS_PER_MINUTE_PER_TOKEN": "1000000",
        "ECOLEADS_REPORTS_PER_DAY_PER_VOLUNTEER": "1000000",
    }
    if args.database_url and args.database_url.startswith("postgresql"):
        cli(env, "migrate", "--down")
    log, har = data / "server.log", data / "fuzz.har"
    prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, log)
    try:
        token = sign_in(base)
        ops = operations(base)
        start = time.monotonic()
        result = run_schemathesis(base, token, args, har)
        seconds = time.monotonic() - start
        aimed = targeted_cases(base, token)
        still = request(f"{base}/api/v1/users/me", token=token)[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not har.exists():
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
        print(f"schemathesis recorded nothing (exit {result.returncode})", file=sys.stderr)
        return 1
    unmatched = tally(har, ops, base)
    (data / "schemathesis.txt").write_text(result.stdout + result.stderr)
    errors = report(ops, unmatched, seconds, log)
    errors += len(aimed)
    lines = result.stdout.strip().splitlines()
    print(f"\nschemathesis exit code {result.returncode}; its last lines:")
    print("\n".join(lines[-8:] if result.returncode == 0 else lines[-60:]))
    if still != 200:
        print(f"the fuzzing token no longer works ({still}): the run is not trustworthy")
        errors += 1
    if args.keep:
        print(f"kept: {data} (server.log, fuzz.har, schemathesis.txt)")
    else:
        shutil.rmtree(data, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
