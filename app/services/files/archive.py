"""Evidence originals in S3-compatible object storage, written once and kept.

Each original goes to a versioned bucket with Object Lock, keyed by its content
(`<prefix>originals/sha256/ab/cd/<sha256>`), uploaded with its SHA-256 for the server to
check (a corrupted upload is refused), only if the key is new (`If-None-Match: *`), and under
COMPLIANCE retention: no user, administrator included, can delete or overwrite that version
or shorten its retention until it ends. What the store answers (bucket, key, version id,
retain-until, its own SHA-256) is the custody record the dossier shows.

boto3 is the client: it speaks Object Lock, flexible checksums, conditional writes and
versions, and reads the standard AWS_* variables (AWS_ENDPOINT_URL for an S3-compatible
server such as SeaweedFS or MinIO).
"""

import base64
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.errors import Unavailable

LOCK_MODE = "COMPLIANCE"
UNREACHABLE = "the object store is unreachable"
CHUNK = 1024 * 1024


class ArchiveError(Unavailable):
    """The object store failed, refused a copy, or holds one that does not check out (a
    request that needs it answers 503: the staged copies are safe, try again later)."""

    title, slug = "Evidence archive unavailable", "archive-unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=30)


@dataclass(frozen=True)
class ArchivedCopy:
    """An original's copy as the object store describes it."""

    bucket: str
    key: str
    version_id: str
    lock_mode: str
    retain_until: datetime
    checksum_sha256: str  # base64, as S3 reports it
    size: int


def _checksum(sha256: str) -> str:
    """A hex SHA-256 as S3's ChecksumSHA256 (base64 of the digest)."""
    return base64.b64encode(bytes.fromhex(sha256)).decode()


def _client() -> Any:
    """An S3 client from the standard AWS_* settings; path-style addressing where an
    endpoint is given (S3-compatible servers), retries in standard mode."""
    custom = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(
        s3={"addressing_style": "path" if custom else "auto"},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )
    return boto3.client("s3", config=config)


class ObjectArchive:
    """Evidence originals in one bucket (and prefix) of an S3-compatible store."""

    def __init__(self, url: str, *, retention_days: int, client: Any | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"not an s3://bucket[/prefix] address: {url!r}")
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.retention = timedelta(days=retention_days)
        self._s3 = client or _client()

    def object_key(self, sha256: str) -> str:
        """The key of an original: by its content."""
        return f"{self.prefix}originals/sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def put(self, sha256: str, source: Path) -> ArchivedCopy:
        """Copy an original (unless its key is already there) under COMPLIANCE retention,
        then check the stored copy; raise ArchiveError if it does not check out."""
        until = datetime.now(UTC) + self.retention
        try:
            with source.open("rb") as body:
                self._s3.put_object(
                    Bucket=self.bucket,
                    Key=self.object_key(sha256),
                    Body=body,
                    ChecksumSHA256=_checksum(sha256),
                    ObjectLockMode=LOCK_MODE,
                    ObjectLockRetainUntilDate=until,
                    IfNoneMatch="*",
                )
        except ClientError as exc:
            if _code(exc) != "PreconditionFailed":  # already there: check what is there
                raise ArchiveError(f"the object store refused {sha256}: {_code(exc)}") from exc
        except BotoCoreError as exc:
            raise ArchiveError(f"{UNREACHABLE}: {exc}") from exc
        return self.check(sha256)

    def check(self, sha256: str, version_id: str | None = None) -> ArchivedCopy:
        """The stored copy of an original (a version, or the current one), checked: its
        SHA-256 as the store computed it, and a COMPLIANCE retention still running."""
        extra = {"VersionId": version_id} if version_id else {}
        try:
            head = self._s3.head_object(
                Bucket=self.bucket, Key=self.object_key(sha256), ChecksumMode="ENABLED", **extra
            )
        except (ClientError, BotoCoreError) as exc:
            raise ArchiveError(f"cannot read the archived copy of {sha256}: {exc}") from exc
        copy = ArchivedCopy(
            bucket=self.bucket,
            key=self.object_key(sha256),
            version_id=head.get("VersionId") or "",
            lock_mode=head.get("ObjectLockMode") or "",
            retain_until=head.get("ObjectLockRetainUntilDate") or datetime.min.replace(tzinfo=UTC),
            checksum_sha256=head.get("ChecksumSHA256") or "",
            size=int(head["ContentLength"]),
        )
        if copy.checksum_sha256 != _checksum(sha256):
            raise ArchiveError(f"the archived copy of {sha256} has another SHA-256")
        if copy.lock_mode != LOCK_MODE or copy.retain_until <= datetime.now(UTC):
            raise ArchiveError(f"the archived copy of {sha256} is not under COMPLIANCE retention")
        if not copy.version_id:
            raise ArchiveError(f"the bucket {self.bucket} is not versioned")
        return copy

    def open(self, sha256: str, version_id: str | None = None) -> BinaryIO:
        """A stream of an archived original (a version, or the current one)."""
        extra = {"VersionId": version_id} if version_id else {}
        try:
            found = self._s3.get_object(Bucket=self.bucket, Key=self.object_key(sha256), **extra)
        except (ClientError, BotoCoreError) as exc:
            raise ArchiveError(f"cannot read the archived copy of {sha256}: {exc}") from exc
        return found["Body"]  # type: ignore[no-any-return]

    def get(self, sha256: str, version_id: str | None = None) -> bytes:
        """An archived original's bytes, checked against its SHA-256."""
        with self.open(sha256, version_id) as body:
            data = body.read()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveError(f"the archived copy of {sha256} does not match its SHA-256")
        return data

    def exists(self, sha256: str) -> bool:
        """Tell whether an original is archived."""
        try:
            self._s3.head_object(Bucket=self.bucket, Key=self.object_key(sha256))
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise ArchiveError(f"cannot reach the archive: {_code(exc)}") from exc
        except BotoCoreError as exc:
            raise ArchiveError(f"{UNREACHABLE}: {exc}") from exc
        return True

    def problem(self) -> str | None:
        """What keeps this bucket from holding originals (missing, not versioned, no Object
        Lock, credentials refused, endpoint unreachable), or None when it is ready."""
        where = f"s3://{self.bucket}"
        try:
            self._s3.head_bucket(Bucket=self.bucket)
            if self._s3.get_bucket_versioning(Bucket=self.bucket).get("Status") != "Enabled":
                return f"{where} is not versioned"
            lock = self._s3.get_object_lock_configuration(Bucket=self.bucket)
        except ClientError as exc:
            code = _code(exc)
            if code in ("404", "NoSuchBucket"):
                return f"{where} does not exist"
            if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                return f"{where}: the credentials were refused ({code})"
            if code == "ObjectLockConfigurationNotFoundError":
                return f"{where} has no Object Lock (create it with Object Lock enabled)"
            return f"{where}: {code}"
        except BotoCoreError as exc:
            return f"{UNREACHABLE}: {exc}"
        if lock.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") != "Enabled":
            return f"{where} has no Object Lock (create it with Object Lock enabled)"
        return None


def chunks(stream: BinaryIO) -> Iterator[bytes]:
    """Read a stream in chunks, closing it at the end."""
    with stream:
        while data := stream.read(CHUNK):
            yield data


def _code(exc: ClientError) -> str:
    """The S3 error code of a refused call."""
    return str(exc.response.get("Error", {}).get("Code", ""))
