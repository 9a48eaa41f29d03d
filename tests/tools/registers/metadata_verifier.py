#!/usr/bin/python3
"""An independent reader of the metadata register, written from docs/formats/metadata-register.md alone.

It shares no code with the C++ implementation: it takes the golden vector out of the document (§5), decodes
it as §2 says, checks the invariants of §3 that one entry can break, recomputes the hash the document states,
verifies the Ed25519 signature under the key the entry names, and checks the two forgeries §5 describes.
Prints one line per check and exits 0 only if every check passes.

Usage:
  metadata_verifier.py DOC.md
"""
import hashlib
import re
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DOMAIN = b"bodycam-metadata-v1\x00"
FIELDS = {1: "place", 2: "party", 3: "case", 4: "category", 5: "text"}
LIMITS = {"place": 256, "party": 256, "case": 64, "category": 64, "text": 4000}
LABEL = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")


class Malformed(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n, what):
        if self.pos + n > len(self.data):
            raise Malformed("truncated at " + what)
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u(self, fmt, what):
        return struct.unpack(">" + fmt, self.take(struct.calcsize(fmt), what))[0]

    def text(self, what, limit):
        n = self.u("H", what)
        if n > limit:
            raise Malformed(what + " longer than %d" % limit)
        raw = self.take(n, what)
        try:
            return raw.decode("utf-8")  # strict: no overlong forms, no surrogates
        except UnicodeDecodeError:
            raise Malformed(what + " is not UTF-8")


def check_value(name, value):
    if not value or len(value.encode()) > LIMITS[name]:
        raise Malformed(name + " length")
    if name == "category":
        if not re.fullmatch(r"[a-z0-9_]+", value):
            raise Malformed("category charset")
        return
    for ch in value:
        c = ord(ch)
        if (c < 0x20 and not (ch == "\n" and name == "text")) or c == 0x7F or 0x80 <= c <= 0x9F:
            raise Malformed(name + " holds a control character")


def decode(stored):
    if len(stored) < 64 or len(stored) > 16384:
        raise Malformed("size")
    canonical, sig = stored[:-64], stored[-64:]
    r = Reader(canonical)
    e = {}
    if r.u("H", "version") != 1:
        raise Malformed("version")
    e["author"] = r.text("author", 64)
    if not LABEL.match(e["author"]):
        raise Malformed("author id")
    e["key"] = r.take(32, "author_key")
    e["seq"] = r.u("Q", "seq")
    e["prev_hash"] = r.take(32, "prev_hash")
    e["utc_ns"] = r.u("q", "utc")
    e["device"] = r.text("device", 64)
    if not LABEL.match(e["device"]):
        raise Malformed("device id")
    e["session"] = r.take(16, "session")
    count = r.u("B", "n_fields")
    if not 1 <= count <= 5:
        raise Malformed("n_fields")
    e["fields"] = []
    last = 0
    for _ in range(count):
        f = r.u("B", "field")
        if f not in FIELDS or f <= last:  # invariant 2
            raise Malformed("field order")
        last = f
        value = r.text("value", 4000)
        check_value(FIELDS[f], value)  # invariants 3, 4
        e["fields"].append((FIELDS[f], value))
    if r.pos != len(canonical):  # invariant 1
        raise Malformed("bytes after the last field")
    e["hash"] = hashlib.sha256(canonical).digest()
    e["sig"] = sig
    return e


def verifies(e):
    try:
        Ed25519PublicKey.from_public_bytes(e["key"]).verify(e["sig"], DOMAIN + e["hash"])
        return True
    except InvalidSignature:
        return False


def main():
    doc = open(sys.argv[1], encoding="utf-8").read()
    section = doc.split("## 5. Golden vector", 1)[1].split("\n## ", 1)[0]
    golden = bytes.fromhex("".join(re.search(r"```\n([0-9a-f\n]+)```", section).group(1).split()))
    stated_hash = re.search(r"Its hash .*? is `([0-9a-f]{64})`", section, re.S).group(1)
    stated_key = re.search(r"public key is `([0-9a-f]{64})`", section).group(1)
    failures = 0

    def check(name, ok):
        nonlocal failures
        print(("ok   " if ok else "FAIL ") + name)
        failures += 0 if ok else 1

    e = decode(golden)
    check("golden decodes: author %s seq %d device %s" % (e["author"], e["seq"], e["device"]), True)
    check("hash is the one stated", e["hash"].hex() == stated_hash)
    check("author key is the one stated", e["key"].hex() == stated_key)
    check("signature verifies", verifies(e))
    check("fields as stated", e["fields"] == [("place", "Rue de la Gare 4"), ("case", "CASE-2026-0042"),
                                              ("category", "traffic")])
    forged = bytearray(golden)
    forged[52] = 1
    f = decode(bytes(forged))
    check("seq changed to 1 decodes and does not verify", f["seq"] == 1 and not verifies(f))
    upper = golden.replace(b"traffic", b"Traffic")
    try:
        decode(upper)
        check("category Traffic does not decode", False)
    except Malformed:
        check("category Traffic does not decode", True)
    for n in range(len(golden)):
        try:
            t = decode(golden[:n])
            if verifies(t):
                check("truncation to %d bytes does not verify" % n, False)
        except Malformed:
            pass
    check("no truncation verifies", True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
