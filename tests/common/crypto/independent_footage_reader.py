#!/usr/bin/env python3
"""A second reader of encrypted footage, written from docs/formats/encrypted-footage.md alone.

Uses Python's hashlib (BLAKE2b, SHA-256) and the `cryptography` package (X25519, ChaCha20, Poly1305); HSalsa20,
XSalsa20 and HChaCha20 are spelled out below. Prints one line per fragment (hex), then `complete` or the
error name of the format page. Usage: independent_footage_reader.py FILE SECRET_HEX
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.poly1305 import Poly1305

MASK = 0xFFFFFFFF


def rotl(v, n):
    return ((v << n) & MASK) | (v >> (32 - n))


def salsa20_rounds(s):
    def qr(a, b, c, d):
        s[b] ^= rotl((s[a] + s[d]) & MASK, 7)
        s[c] ^= rotl((s[b] + s[a]) & MASK, 9)
        s[d] ^= rotl((s[c] + s[b]) & MASK, 13)
        s[a] ^= rotl((s[d] + s[c]) & MASK, 18)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(5, 9, 13, 1); qr(10, 14, 2, 6); qr(15, 3, 7, 11)
        qr(0, 1, 2, 3); qr(5, 6, 7, 4); qr(10, 11, 8, 9); qr(15, 12, 13, 14)


SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)


def salsa_state(key, sixteen):
    k = struct.unpack("<8I", key)
    i = struct.unpack("<4I", sixteen)
    return [SIGMA[0], k[0], k[1], k[2], k[3], SIGMA[1], i[0], i[1], i[2], i[3], SIGMA[2], k[4], k[5], k[6], k[7],
            SIGMA[3]]


def hsalsa20(key, sixteen):
    s = salsa_state(key, sixteen)
    salsa20_rounds(s)
    return struct.pack("<8I", s[0], s[5], s[10], s[15], s[6], s[7], s[8], s[9])


def salsa20_block(key, nonce8, counter):
    s = salsa_state(key, nonce8 + struct.pack("<Q", counter))
    x = list(s)
    salsa20_rounds(x)
    return struct.pack("<16I", *[(a + b) & MASK for a, b in zip(x, s)])


def secretbox_open(boxed, nonce24, key):
    """crypto_secretbox_open_easy: boxed = MAC(16) || ciphertext; XSalsa20-Poly1305."""
    subkey = hsalsa20(key, nonce24[:16])
    mac, ct = boxed[:16], boxed[16:]
    stream = b"".join(salsa20_block(subkey, nonce24[16:], n) for n in range((32 + len(ct)) // 64 + 1))
    if not hmac.compare_digest(Poly1305.generate_tag(stream[:32], ct), mac):
        return None
    return bytes(a ^ b for a, b in zip(ct, stream[32:]))


def box_seal_open(sealed, public, secret):
    epk = sealed[:32]
    shared = X25519PrivateKey.from_private_bytes(secret).exchange(X25519PublicKey.from_public_bytes(epk))
    key = hsalsa20(shared, bytes(16))
    nonce = hashlib.blake2b(epk + public, digest_size=24).digest()
    return secretbox_open(sealed[32:], nonce, key)


def hchacha20(key, sixteen):
    s = list(SIGMA) + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", sixteen))

    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & MASK; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & MASK; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & MASK; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & MASK; s[b] = rotl(s[b] ^ s[c], 7)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def chacha20_ietf(key, nonce12, counter, data):
    enc = Cipher(algorithms.ChaCha20(key, struct.pack("<I", counter) + nonce12), mode=None).encryptor()
    return enc.update(data)


def pad16(n):
    return bytes((0x10 - n) & 0xF)


class SecretStream:
    """crypto_secretstream_xchacha20poly1305 pull, as libsodium defines it."""

    def __init__(self, key, header):
        self.k = hchacha20(key, header[:16])
        self.counter = 1
        self.inonce = header[16:24]

    def pull(self, c, ad):
        nonce = struct.pack("<I", self.counter) + self.inonce
        poly = Poly1305(chacha20_ietf(self.k, nonce, 0, bytes(64))[:32])
        poly.update(ad + pad16(len(ad)))
        block = bytearray(chacha20_ietf(self.k, nonce, 1, bytes([c[0]]) + bytes(63)))
        tag = block[0]
        block[0] = c[0]
        mlen = len(c) - 17
        body = c[1:1 + mlen]
        # libsodium pads the ciphertext with (0x10 - 64 + mlen) & 0xf zero bytes: mlen % 16, not a pad to 16.
        poly.update(bytes(block) + body + bytes((0x10 - 64 + mlen) & 0xF) + struct.pack("<QQ", len(ad), 64 + mlen))
        mac = poly.finalize()
        if not hmac.compare_digest(mac, c[1 + mlen:]):
            return None, None
        m = chacha20_ietf(self.k, nonce, 2, body)
        self.inonce = bytes(a ^ b for a, b in zip(self.inonce, mac[:8]))
        self.counter = (self.counter + 1) & MASK
        return tag, m


def read(data, secret):
    public = X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = hashlib.sha256(public).digest()[:8]
    if len(data) < 18:
        return [], "truncated"
    if data[:16] != b"bodycam-footage\n":
        return [], "malformed_header"
    if data[16] != 1:
        return [], "unsupported_version"
    n = data[17]
    if not 1 <= n <= 4:
        return [], "malformed_header"
    end = 18 + 88 * n + 24
    if len(data) < end + 32:
        return [], "truncated"
    body, tag = data[:end], data[end:end + 32]
    envelopes = [(data[18 + 88 * i:26 + 88 * i], data[26 + 88 * i:106 + 88 * i]) for i in range(n)]
    mine = [sealed for kid, sealed in envelopes if kid == key_id]
    if not mine:
        return [], "not_for_this_key"
    file_key = next((k for k in (box_seal_open(s, public, secret) for s in mine) if k is not None), None)
    if file_key is None:
        return [], "envelope_unopenable"
    header_key = hashlib.blake2b(b"bodycam-footage-v1 header key", key=file_key, digest_size=32).digest()
    if not hmac.compare_digest(hashlib.blake2b(body, key=header_key, digest_size=32).digest(), tag):
        return [], "header_mismatch"
    stream = SecretStream(file_key, data[end - 24:end])
    at, index, fragments = end + 32, 0, []
    while True:
        if len(data) - at < 4:
            return fragments, "truncated"
        (length,) = struct.unpack(">I", data[at:at + 4])
        if length < 17 or length > 17 + (64 << 20):
            return fragments, "tampered_message"
        if len(data) - at - 4 < length:
            return fragments, "truncated"
        t, m = stream.pull(data[at + 4:at + 4 + length], body if index == 0 else b"")
        if m is None:
            return fragments, "tampered_message"
        at += 4 + length
        index += 1
        if t == 0:
            fragments.append(m)
            continue
        if t != 3 or m:
            return fragments, "bad_message"
        return fragments, "trailing_bytes" if at != len(data) else "complete"


def main():
    data = open(sys.argv[1], "rb").read()
    if sys.argv[1].endswith(".hex"):
        data = bytes.fromhex(data.decode().replace("\n", "").replace(" ", ""))
    fragments, outcome = read(data, bytes.fromhex(sys.argv[2]))
    for f in fragments:
        print(f.hex())
    print(outcome)


if __name__ == "__main__":
    main()
