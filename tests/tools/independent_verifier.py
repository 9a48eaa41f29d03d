#!/usr/bin/python3
"""An independent verifier for bodycam record chains, written from docs/formats/chain.md alone.

It shares no code with the C++ implementation: it parses the golden vectors out of the document itself and
checks them, and it verifies a directory of stored records (records/<device>/<seq>) against a public key
file, printing a JSON verdict. The C++ tests run it to prove that the format document is enough to write a
verifier and that both implementations agree.

It reports what §8 asks for: per record the reason codes, chain findings, missing ranges and the verdict, as
JSON, so that a test can compare them with `bodycam verify --json` record by record. Where §8 leaves a choice
open, the choice made here is commented at the code that makes it.

Usage:
  independent_verifier.py golden DOC.md
  independent_verifier.py records DIR KEY.pub [--checkpoint FILE] [--excerpt]
    DIR is records/<device> (§7): its name is the device id, each file named by a decimal seq.
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


class UnknownVersion(Exception):
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
        n = self.u(2, field)
        if n > 4096:
            raise Malformed(f"{field}: longer than 4096 bytes")
        return self.take(n, field).decode("utf-8", "replace")

    def enum(self, count, field):
        v = self.u(1, field)
        if v >= count:
            raise Malformed(f"{field}: unknown code {v}")
        return v

    def boolean(self, field):
        v = self.u(1, field)
        if v > 1:
            raise Malformed(f"{field}: not a bool")
        return v == 1


# §4: each kind's payload fields in order. A type is a name, ("enum", number of codes) or ("list", fields).
PRECHECK_ITEM = [("check", "string"), ("status", ("enum", 3)), ("detail", "string")]
TRACK_RANGE = [("track", ("enum", 2)), ("time_base_num", "u32"), ("time_base_den", "u32"), ("first_pts", "i64"),
               ("last_pts", "i64")]
RECLAIMED_FILE = [("file_name", "string"), ("byte_length", "u64"), ("file_sha256", "sha256")]
PAYLOADS = {
    1: [("firmware_version", "string"), ("previous_shutdown", ("enum", 3))],
    2: [("outcome", ("enum", 3)), ("planned_shift_minutes", "i64"), ("items", ("list", PRECHECK_ITEM))],
    3: [("session", "session"), ("officer_id", "string"), ("trigger", ("enum", 3)), ("pre_event_ms", "i64")],
    4: [("session", "session"), ("index", "u32"), ("file_name", "string"), ("byte_length", "u64"),
        ("file_sha256", "sha256"), ("init_sha256", "sha256"), ("fragment_count", "u32"),
        ("fragment_root", "sha256"), ("tracks", ("list", TRACK_RANGE)), ("close_reason", ("enum", 6)),
        ("unsigned_tail_bytes", "u64")],
    5: [("session", "session"), ("purpose", ("enum", 3)), ("status", ("enum", 3)), ("file_name", "string"),
        ("byte_length", "u64"), ("file_sha256", "sha256"), ("duration_ms", "i64"), ("speech_present", "bool"),
        ("speech_ms", "i64")],
    6: [("session", "session"), ("reason", ("enum", 10)), ("from_utc_ns", "i64"), ("to_utc_ns", "i64"),
        ("detail", "string")],
    7: [("cause", ("enum", 2)), ("file_name", "string"), ("salvaged_bytes", "u64"), ("salvaged_fragments", "u32"),
        ("unsigned_tail_bytes", "u64"), ("detail", "string")],
    8: [("session", "session"), ("reason", ("enum", 6)), ("detail", "string"), ("segment_count", "u32")],
    9: [("dock_id", "string"), ("dock_key", "pubkey"), ("dock_utc_ns", "i64"), ("offset_ns", "i64"),
        ("checkpoint_count", "u64"), ("checkpoint_head", "sha256"), ("dock_signature", "sig")],
    10: [("issuer", "string"), ("issuer_key", "pubkey"), ("covered_count", "u64"), ("receipt_sha256", "sha256")],
    11: [("receipt_seq", "u64"), ("files", ("list", RECLAIMED_FILE))],
    12: [("new_key", "pubkey"), ("reason", "string")],
    13: [("config_sha256", "sha256"), ("summary", "string")],
    14: [("session", "session"), ("resumes_seq", "u64"), ("officer_id", "string"), ("trigger", ("enum", 3)),
         ("pre_event_ms", "i64")],
    15: [("session", "session"), ("action", "string"), ("case_number", "string")],
    16: [("session", "session"), ("label", "string")],
    17: [("session", "session"), ("officer_id", "string"), ("change", ("enum", 2))],
    18: [("session", "session"), ("trigger", ("enum", 6)), ("fix", ("enum", 3)), ("latitude_e7", "i64"),
         ("longitude_e7", "i64"), ("altitude_mm", "i64"), ("horizontal_accuracy_known", "bool"),
         ("horizontal_accuracy_mm", "u32"), ("gnss_utc_ns", "i64"), ("detail", "string")],
    19: [("session", "session"), ("file_name", "string"), ("byte_length", "u64"), ("file_sha256", "sha256"),
         ("width", "u32"), ("height", "u32"), ("time_base_num", "u32"), ("time_base_den", "u32"), ("pts", "i64"),
         ("captured_utc_ns", "i64")],
}
# §4.2: segment, annotation and photo payloads may end with one optional field, present exactly when payload bytes
# remain after the fields above: the file is encrypted, and this is its plaintext's length and SHA-256.
OPTIONAL_LAST = {
    4: ("encrypted", [("plaintext_byte_length", "u64"), ("plaintext_sha256", "sha256")]),
    5: ("encrypted", [("plaintext_byte_length", "u64"), ("plaintext_sha256", "sha256")]),
    19: ("encrypted", [("plaintext_byte_length", "u64"), ("plaintext_sha256", "sha256")]),
}
FIXED = {"u32": 4, "u64": 8, "sha256": 32, "pubkey": 32, "sig": 64, "session": 16}
DEVICE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def read_fields(r, fields):
    out = {}
    for name, kind in fields:
        if kind == "string":
            out[name] = r.string(name)
        elif kind == "i64":
            out[name] = r.i64(name)
        elif kind == "bool":
            out[name] = r.boolean(name)
        elif kind in ("u32", "u64"):
            out[name] = r.u(FIXED[kind], name)
        elif isinstance(kind, str):
            out[name] = r.take(FIXED[kind], name)
        elif kind[0] == "enum":
            out[name] = r.enum(kind[1], name)
        else:
            count = r.u(4, name)
            if count > 4096:
                raise Malformed(f"{name}: more than 4096 elements")
            out[name] = [read_fields(r, kind[1]) for _ in range(count)]
    return out


def parse_record(signed):
    """Returns (header dict with the decoded payload, record hash, signature, canonical bytes)."""
    if len(signed) <= 64:
        raise Malformed("too short")
    canonical, signature = signed[:-64], signed[-64:]
    if len(canonical) > 1 << 20:
        raise Malformed("longer than 1 MiB")
    r = Reader(canonical)
    if r.take(4, "magic") != b"BCRD":
        raise Malformed("magic")
    h = {"version": r.u(2, "version")}
    if h["version"] != 1:
        raise UnknownVersion(f"version {h['version']}")
    h["kind"] = r.u(2, "kind")
    if h["kind"] not in PAYLOADS:
        raise Malformed("kind")
    h["device"] = r.string("device")
    if not DEVICE_ID.fullmatch(h["device"]) or h["device"].startswith("."):
        raise Malformed("device")
    h["seq"] = r.u(8, "seq")
    h["prev_hash"] = r.take(32, "prev_hash")
    h["boot_counter"] = r.u(4, "boot_counter")
    h["monotonic_ns"] = r.i64("monotonic_ns")
    if h["monotonic_ns"] < 0:
        raise Malformed("monotonic_ns: negative")
    h["utc_ns"] = r.i64("utc_ns")
    h["utc_source"] = r.enum(3, "utc_source")
    h["utc_sync_age_ms"] = r.i64("utc_sync_age_ms")
    h["utc_error_bound_ms"] = r.i64("utc_error_bound_ms")
    payload_length = r.u(4, "payload_length")
    if payload_length > 1 << 20:
        raise Malformed("payload_length")
    payload = Reader(r.take(payload_length, "payload"))
    if r.pos != len(canonical):
        raise Malformed("trailing bytes after the payload")
    h["payload"] = read_fields(payload, PAYLOADS[h["kind"]])
    if h["kind"] in OPTIONAL_LAST and payload.pos != len(payload.data):
        name, fields = OPTIONAL_LAST[h["kind"]]
        h["payload"][name] = read_fields(payload, fields)
    if payload.pos != len(payload.data):
        raise Malformed("trailing bytes inside the payload")
    return h, hashlib.sha256(canonical).digest(), signature


def signature_ok(key, record_hash, signature, domain=DOMAIN):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, domain + record_hash)
        return True
    except InvalidSignature:
        return False


def golden(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    key = bytes.fromhex(re.search(r"public key\s*`([0-9a-f]{64})`", text).group(1))
    blocks = re.findall(r"```\n(canonical.*?)```", text, re.S)
    # The blocks form the golden chain from seq 0, then excerpts: a block whose seq does not follow the one
    # before starts an excerpt whose predecessor is not in the document, so its link cannot be checked there
    # ("excerpt start"); every other block must link to the block before it.
    results, prev_hash, prev_seq = [], bytes(32), None
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
        starts_excerpt = prev_seq is not None and h["seq"] != prev_seq + 1
        results.append({
            "seq": h["seq"],
            "hash_matches_doc": record_hash.hex() == fields["hash"],
            "signature_ok": signature_ok(key, record_hash, sig),
            "links": "excerpt start" if starts_excerpt else h["prev_hash"] == prev_hash,
            "forged_rejected": not signature_ok(key, hashlib.sha256(canonical[:-1] + bytes([canonical[-1] ^ 1])).digest(), sig),
        })
        prev_hash, prev_seq = record_hash, h["seq"]
    print(json.dumps({"records": results}))
    return 0 if results and all(all(v for k, v in r.items() if k != "seq") for r in results) else 2


CHECKPOINT_DOMAIN = b"bodycam-checkpoint-v1\x00"
KEY_ROTATE, SEGMENT, INTERRUPTION, RECOVERY = 12, 4, 6, 7


def parse_checkpoint(data):
    """§6: returns (device, count, head, canonical, signature)."""
    if len(data) <= 64:
        raise Malformed("checkpoint: too short")
    canonical, signature = data[:-64], data[-64:]
    r = Reader(canonical)
    if r.take(4, "magic") != b"BCCP" or r.u(2, "version") != 1:
        raise Malformed("checkpoint: magic or version")
    device, count, head = r.string("device"), r.u(8, "count"), r.take(32, "head")
    r.i64("utc_ns")
    if r.pos != len(canonical):
        raise Malformed("checkpoint: trailing bytes")
    return device, count, head, canonical, signature


def documents_gap(h):
    """§8 verdict table: interruption and recovery records, segments with an unsigned tail or salvaged."""
    if h["kind"] in (INTERRUPTION, RECOVERY):
        return True
    p = h["payload"]
    return h["kind"] == SEGMENT and (p["unsigned_tail_bytes"] > 0 or p["close_reason"] == 5)


def verify(inputs, device, key, expect_genesis=True, checkpoint=None):
    """inputs: [(origin, claimed seq or None, bytes)]. Returns the report as a dict (§8)."""
    entries, chain_findings, missing = [], [], []

    def finding(entry, code, detail=""):
        entry["findings"].append({"reason": code, "detail": detail})

    for origin, claimed, data in inputs:
        e = {"origin": origin, "seq": None, "findings": [], "data": data}
        entries.append(e)
        try:
            h, record_hash, sig = parse_record(data)
        except UnknownVersion as err:
            finding(e, "unknown_version", str(err))
            continue
        except Malformed as err:
            finding(e, "malformed", str(err))
            continue
        e.update(seq=h["seq"], h=h, hash=record_hash, sig=sig)
        if h["device"] != device:
            finding(e, "wrong_device", h["device"])  # takes no part in the order checks (§8 notes)
            continue
        if claimed is not None and claimed != h["seq"]:
            finding(e, "seq_mismatch", f"stored as seq {claimed} but the record says seq {h['seq']}")
        # Choice: a record stored under another seq still takes part in the order checks at the seq it says;
        # an undecodable or unknown-version record has no seq and is not placed anywhere.
        e["in_chain"] = True

    chain = [e for e in entries if e.get("in_chain")]
    by_seq = {}
    for e in chain:
        by_seq.setdefault(e["seq"], []).append(e)

    # Invariant 3 and §5: signatures in seq order, the key switching after each key_rotate that verifies.
    current = key
    for seq in sorted(by_seq):
        next_key = current
        for e in by_seq[seq]:
            e["sig_ok"] = signature_ok(current, e["hash"], e["sig"])
            if e["sig_ok"] and e["h"]["kind"] == KEY_ROTATE:
                next_key = e["h"]["payload"]["new_key"]
        current = next_key
    # Choice: wrong_key goes to every decodable record of the device (not to malformed or other devices'
    # records) and replaces bad_signature; the order checks still run.
    if chain and not any(e["sig_ok"] for e in chain):
        chain_findings.append({"reason": "wrong_key", "detail": "no record verifies under the given key"})
        for e in chain:
            finding(e, "wrong_key")
    else:
        for e in chain:
            if not e["sig_ok"]:
                finding(e, "bad_signature")

    # Invariant 4: one record per seq. An identical copy is seq_repeated (the first one stays); different
    # records at one seq are each a fork.
    # Choice: which of two identical copies is "the copy" is the later one in the directory's sorted order.
    distinct = {}
    for seq, group in by_seq.items():
        kept = []
        for e in group:
            if any(k["data"] == e["data"] for k in kept):
                finding(e, "seq_repeated")
            else:
                kept.append(e)
        if len(kept) > 1:
            for e in kept:
                finding(e, "fork", f"{len(kept)} different records claim seq {seq}")
        distinct[seq] = kept

    # Invariants 4-7 along seq: gaps, links, boot counter, monotonic time. Choices: a missing genesis is a
    # seq_gap on the first present record (unless it is an excerpt); boot counter and monotonic time compare with
    # the previous present record, across a gap too; at a fork, the first of its records is "the previous".
    expected, prev = (0 if expect_genesis else None), None
    for seq in sorted(distinct):
        group = distinct[seq]
        after_gap = False
        if expected is not None and seq > expected:
            missing.append([expected, seq - 1])
            text = str(expected) if expected == seq - 1 else f"{expected}-{seq - 1}"
            for e in group:
                finding(e, "seq_gap", f"records {text} are missing before this one")
            after_gap = True
        first_of_excerpt = expected is None
        for e in group:
            h = e["h"]
            if seq == 0:
                if h["prev_hash"] != bytes(32):
                    finding(e, "prev_hash_mismatch", "record 0 must have a zero prev_hash")
            elif not after_gap and not first_of_excerpt:
                if all(h["prev_hash"] != p["hash"] for p in distinct[seq - 1]):
                    finding(e, "prev_hash_mismatch")
            if prev is not None:
                if h["boot_counter"] < prev["boot_counter"]:
                    finding(e, "boot_counter_backwards")
                elif h["boot_counter"] == prev["boot_counter"] and h["monotonic_ns"] < prev["monotonic_ns"]:
                    finding(e, "time_backwards")
        prev, expected = group[0]["h"], seq + 1

    # Invariant 8: a trusted checkpoint. Choice: its signature is checked under the enrolled key (§6 says "device
    # key"; after a key_rotate, which key signs checkpoints is not said).
    if checkpoint is not None:
        try:
            cp_device, count, head, canonical, signature = parse_checkpoint(checkpoint)
            good = cp_device == device and signature_ok(key, hashlib.sha256(canonical).digest(), signature,
                                                        CHECKPOINT_DOMAIN)
        except Malformed:
            good = False
        if not good:
            chain_findings.append({"reason": "bad_checkpoint", "detail": ""})
        elif count > 0:
            last = max(distinct) if distinct else -1
            if last < count - 1:
                missing.append([last + 1, count - 1])
                chain_findings.append({"reason": "missing_tail", "detail": f"records {last + 1}-{count - 1}"})
            elif all(e["hash"] != head for e in distinct.get(count - 1, [])):
                chain_findings.append({"reason": "checkpoint_mismatch", "detail": ""})

    codes = [f["reason"] for e in entries for f in e["findings"]] + [f["reason"] for f in chain_findings]
    gaps = sum(1 for e in chain if documents_gap(e["h"]))
    if not entries or (codes and all(c == "unknown_version" for c in codes)):
        verdict = "cannot_verify"
    elif codes:
        verdict = "not_authentic"
    else:
        verdict = "authentic_with_gaps" if gaps else "authentic"
    records_out = [{"origin": e["origin"], "seq": e["seq"], "findings": e["findings"]} for e in entries]
    return {"verdict": verdict, "exit_code": EXIT[verdict], "documented_gaps": gaps, "missing": missing,
            "chain_findings": chain_findings, "records": records_out}


EXIT = {"authentic": 0, "authentic_with_gaps": 1, "not_authentic": 2, "cannot_verify": 3}


def records(directory, key_file, options):
    """A directory of stored records named by seq (§7), its name the device id, against a public key file."""
    try:
        magic, _label, key_hex = open(key_file).read().split()
        if magic != "bodycam-public-key-v1":
            raise ValueError
        key = bytes.fromhex(key_hex)
    except (OSError, ValueError):
        print(json.dumps({"verdict": "cannot_verify", "why": f"key file {key_file}"}))
        return 3
    # Choice: the directory's name is the device id (§7: records/<device>/<seq>), not the key file's label; and
    # a file name is any decimal number, "02" included (§7 says the store writes no padding, not that a reader
    # refuses it): that is how a directory can hold two records claiming one seq.
    device = os.path.basename(os.path.normpath(directory))
    inputs = []
    for name in sorted(os.listdir(directory)):
        if not name.isdigit():
            print(json.dumps({"verdict": "cannot_verify", "why": f"unexpected entry {name}"}))
            return 3
        inputs.append((name, int(name), open(os.path.join(directory, name), "rb").read()))
    checkpoint = open(options["checkpoint"], "rb").read() if options.get("checkpoint") else None
    report = verify(inputs, device, key, not options.get("excerpt"), checkpoint)
    print(json.dumps(report))
    return report["exit_code"]


def parse_options(args):
    options = {}
    while args:
        if args[0] == "--excerpt":
            options["excerpt"], args = True, args[1:]
        elif args[0] == "--checkpoint" and len(args) > 1:
            options["checkpoint"], args = args[1], args[2:]
        else:
            return None
    return options


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "golden":
        sys.exit(golden(sys.argv[2]))
    if len(sys.argv) >= 4 and sys.argv[1] == "records" and parse_options(sys.argv[4:]) is not None:
        sys.exit(records(sys.argv[2], sys.argv[3], parse_options(sys.argv[4:])))
    print(__doc__, file=sys.stderr)
    sys.exit(3)
