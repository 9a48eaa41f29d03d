#!/usr/bin/python3
"""An independent verifier for bodycam record chains, written from docs/formats/chain.md alone.

It shares no code with the C++ implementation: it parses the golden vectors out of the document itself and
checks them, and it verifies a directory of stored records (records/<device>/<seq>) against a public key
file, printing a JSON verdict. The C++ tests run it to prove that the format document is enough to write a
verifier and that both implementations agree.

Usage:
  independent_verifier.py golden DOC.md
  independent_verifier.py records DIR KEY.pub
"""
import hashlib
import json
import os
import re
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DOMAIN = b"bodycam-record-v1\x00"


class Malformed(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n, field):
        if self.pos + n > len(self.data):
            raise Malformed(f"{field}: truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u(self, width, field):
        return int.from_bytes(self.take(width, field), "big")

    def i64(self, field):
        return struct.unpack(">q", self.take(8, field))[0]

    def string(self, field):
        return self.take(self.u(2, field), field).decode("utf-8", "replace")


def parse_record(signed):
    """Returns (header dict, record hash, signature, canonical bytes). Payload is kept as raw bytes."""
    if len(signed) <= 64:
        raise Malformed("too short")
    canonical, signature = signed[:-64], signed[-64:]
    r = Reader(canonical)
    if r.take(4, "magic") != b"BCRD":
        raise Malformed("magic")
    h = {"version": r.u(2, "version")}
    if h["version"] != 1:
        raise Malformed("unknown_version")
    h["kind"] = r.u(2, "kind")
    h["device"] = r.string("device")
    h["seq"] = r.u(8, "seq")
    h["prev_hash"] = r.take(32, "prev_hash")
    h["boot_counter"] = r.u(4, "boot_counter")
    h["monotonic_ns"] = r.i64("monotonic_ns")
    h["utc_ns"] = r.i64("utc_ns")
    h["utc_source"] = r.u(1, "utc_source")
    h["utc_sync_age_ms"] = r.i64("utc_sync_age_ms")
    h["utc_error_bound_ms"] = r.i64("utc_error_bound_ms")
    h["payload"] = r.take(r.u(4, "payload_length"), "payload")
    if r.pos != len(canonical):
        raise Malformed("trailing bytes")
    if not 1 <= h["kind"] <= 14:
        raise Malformed("kind")
    return h, hashlib.sha256(canonical).digest(), signature


def signature_ok(key, record_hash, signature):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, DOMAIN + record_hash)
        return True
    except InvalidSignature:
        return False


def golden(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    key = bytes.fromhex(re.search(r"public key\s*`([0-9a-f]{64})`", text).group(1))
    blocks = re.findall(r"```\n(canonical.*?)```", text, re.S)
    results, prev_hash = [], bytes(32)
    for block in blocks:
        fields, current = {}, None
        for line in block.splitlines():
            m = re.match(r"(\w+)\s+([0-9a-f]+)$", line)
            if m:
                current = m.group(1)
                fields[current] = m.group(2)
            else:
                fields[current] += line.strip()
        canonical, signature = bytes.fromhex(fields["canonical"]), bytes.fromhex(fields["signature"])
        h, record_hash, sig = parse_record(canonical + signature)
        results.append({
            "seq": h["seq"],
            "hash_matches_doc": record_hash.hex() == fields["hash"],
            "signature_ok": signature_ok(key, record_hash, sig),
            "links": h["prev_hash"] == prev_hash,
            "forged_rejected": not signature_ok(key, hashlib.sha256(canonical[:-1] + bytes([canonical[-1] ^ 1])).digest(), sig),
        })
        prev_hash = record_hash
    print(json.dumps({"records": results}))
    return 0 if results and all(all(v for k, v in r.items() if k != "seq") for r in results) else 2


def records(directory, key_file):
    magic, device, key_hex = open(key_file).read().split()
    if magic != "bodycam-public-key-v1":
        print(json.dumps({"verdict": "cannot_verify", "why": "key file"}))
        return 3
    key = bytes.fromhex(key_hex)
    chain, problems = {}, []
    for name in os.listdir(directory):
        data = open(os.path.join(directory, name), "rb").read()
        try:
            h, record_hash, sig = parse_record(data)
        except Malformed as e:
            problems.append(f"{name}: malformed: {e}")
            continue
        if h["device"] != device:
            problems.append(f"{name}: wrong_device")
        elif str(h["seq"]) != name:
            problems.append(f"{name}: seq_mismatch")
        elif not signature_ok(key, record_hash, sig):
            problems.append(f"{name}: bad_signature")
        chain[h["seq"]] = (h, record_hash)
    prev = None
    for seq in range(0, max(chain) + 1 if chain else 0):
        if seq not in chain:
            problems.append(f"{seq}: missing")
            prev = None
            continue
        h, record_hash = chain[seq]
        expected_prev = bytes(32) if seq == 0 else (prev[1] if prev else None)
        if expected_prev is not None and h["prev_hash"] != expected_prev:
            problems.append(f"{seq}: prev_hash_mismatch")
        if prev and h["boot_counter"] < prev[0]["boot_counter"]:
            problems.append(f"{seq}: boot_counter_backwards")
        prev = (h, record_hash)
    kinds_with_gaps = {6, 7}  # interruption, recovery
    gaps = sum(1 for h, _ in chain.values() if h["kind"] in kinds_with_gaps)
    verdict = "not_authentic" if problems else ("cannot_verify" if not chain else
                                                 "authentic_with_gaps" if gaps else "authentic")
    print(json.dumps({"verdict": verdict, "records": len(chain), "problems": problems}))
    return {"authentic": 0, "authentic_with_gaps": 1, "not_authentic": 2, "cannot_verify": 3}[verdict]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "golden":
        sys.exit(golden(sys.argv[2]))
    if len(sys.argv) == 4 and sys.argv[1] == "records":
        sys.exit(records(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(3)
