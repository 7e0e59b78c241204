"""Reading a fleet's JSONL file with the rules of `actionhost run --batch`, before anything goes
to the broker.

One params object per line; blank lines are skipped (and said), so that line numbers still count
input lines. A line that is not one JSON object in UTF-8 (a member named twice, NaN, a BOM) is
refused here with the host's wording and never sent. So is a line with a member that looks like a
credential (compshare-disk's own rule): the broker keeps task arguments, and credentials belong
in the workers' environment.
"""

import json
import os
import stat
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Dict, List, Optional, Tuple

MAX_BATCH_BYTES = 64 * 1024 * 1024  # as actionhost's --batch

_CREDENTIAL_NAMES = frozenset({
    "publickey", "signature", "accesskey", "accesskeyid", "apikey", "token", "securitytoken",
    "sessiontoken", "credential", "credentials", "passwd", "ak", "sk", "sshlogincommand",
    "authorization"})
_CREDENTIAL_PARTS = ("privatekey", "secret", "password")


class BatchRefused(ValueError):
    """The batch as a whole cannot be read (not a regular file, too large, unreadable)."""


@dataclass
class Line:
    number: int
    params: Optional[Dict[str, Any]] = None
    refusal: Optional[str] = None  # why the line is not sent (InvalidParameter)


def looks_like_credential(name: str) -> bool:
    norm = "".join(c for c in name.lower() if c not in "_-. ")
    return norm in _CREDENTIAL_NAMES or any(part in norm for part in _CREDENTIAL_PARTS)


def _unique_members(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    seen: Dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError('member "%s" is named twice' % key)
        seen[key] = value
    return seen


def _refuse_constant(name: str) -> Any:
    raise ValueError("%s is not JSON" % name)


def parse_line(text: bytes) -> Dict[str, Any]:
    """One params object, or ValueError saying what is wrong (never quoting a value)."""
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError("not valid UTF-8 (byte %d)" % (error.start + 1)) from None
    if decoded.startswith("\ufeff"):
        raise ValueError("starts with a byte-order mark")
    try:
        document = json.loads(decoded, object_pairs_hook=_unique_members,
                              parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ValueError("not valid JSON (column %d: %s)" % (error.colno, error.msg)) from None
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    for name in document:
        if looks_like_credential(name):
            raise ValueError('parameter "%s" looks like a credential; credentials are never '
                             "sent as task arguments (the broker keeps them): give them to the "
                             "workers in their environment or ACTIONHOST_CELERY_CONFIG" % name)
    return document


def _read_all(path: str, stdin: BinaryIO) -> bytes:
    if path == "-":
        data = stdin.read(MAX_BATCH_BYTES + 1)
    else:
        try:
            with open(path, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    raise BatchRefused("batch file %s: is not a regular file" % path)
                data = file.read(MAX_BATCH_BYTES + 1)
        except OSError as error:
            raise BatchRefused("batch file %s: cannot be read: %s" % (path, error.strerror)) \
                from None
    if len(data) > MAX_BATCH_BYTES:
        raise BatchRefused("%s: is larger than the limit of %d bytes"
                           % ("batch from stdin" if path == "-" else "batch file " + path,
                              MAX_BATCH_BYTES))
    return data


def read_batch(path: str, stdin: BinaryIO = sys.stdin.buffer,
               say: Any = None) -> List[Line]:
    """The lines of the batch, blank ones left out (and said through `say`)."""
    origin = "batch from stdin" if path == "-" else "batch file " + path
    lines: List[Line] = []
    raw_lines = _read_all(path, stdin).split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()  # the final newline ends the last line, it does not start another
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip(b" \t\r"):
            if say is not None:
                say("%s line %d is blank; skipped" % (origin, number))
            continue
        try:
            lines.append(Line(number, params=parse_line(raw)))
        except ValueError as error:
            refusal = "%s line %d: %s" % (origin, number, error)
            if say is not None:
                say(refusal)
            lines.append(Line(number, refusal=refusal))
    return lines
