#!/usr/bin/env python3
"""The other end of the bodycam link, written with dissononce (Debian's python3-dissononce), an independent
implementation of the Noise Protocol Framework. The C++ interoperability test starts it; it connects to the
C++ side on 127.0.0.1 and speaks the link exactly as common/link/README.md describes it:

  wire:       u16 big-endian length || Noise message
  handshake:  Noise_XX_25519_ChaChaPoly_SHA256, prologue "bodycam-link-v1",
              message 2 / 3 payload = the sender's Ed25519 public key (32 bytes)
  after it:   the responder sends an accept frame (0x03); frames are type byte || payload

Then it plays a fixed script: receive one data frame, answer "echo:" + its payload, send a data frame holding
its own handshake hash, and expect a close frame. It prints one JSON line with what it saw and exits 0, or
prints {"ok": false, "error": ...} and exits 1. Every socket operation has a 10 s timeout.

Modes for attack tests: --tamper flips a bit in its first data frame; --expect-refusal expects the C++ side
to end the link during the handshake (it does not trust this peer).
"""
import argparse
import json
import socket
import struct
import sys

from dissononce.cipher.chachapoly import ChaChaPolyCipher
from dissononce.dh.x25519.private import PrivateKey
from dissononce.dh.x25519.x25519 import X25519DH
from dissononce.exceptions.decrypt import DecryptFailedException
from dissononce.hash.sha256 import SHA256Hash
from dissononce.processing.handshakepatterns.interactive.XX import XXHandshakePattern
from dissononce.processing.impl.cipherstate import CipherState
from dissononce.processing.impl.handshakestate import HandshakeState
from dissononce.processing.impl.symmetricstate import SymmetricState

PROLOGUE = b"bodycam-link-v1"
DATA, CLOSE, ACCEPT = 0x01, 0x02, 0x03
MESSAGE_SIZES = (32, 128, 96)


class PeerClosed(Exception):
    pass


def recv_exactly(sock, n):
    out = bytearray()
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise PeerClosed("peer closed the connection after %d of %d bytes" % (len(out), n))
        out.extend(chunk)
    return bytes(out)


def send_message(sock, message):
    sock.sendall(struct.pack(">H", len(message)) + bytes(message))


def recv_message(sock):
    (length,) = struct.unpack(">H", recv_exactly(sock, 2))
    if length == 0:
        raise ValueError("wire message of length 0")
    return recv_exactly(sock, length)


def send_frame(sock, cipher, frame_type, payload=b"", tamper=False):
    sealed = bytearray(cipher.encrypt_with_ad(b"", bytes([frame_type]) + payload))
    if tamper:
        sealed[len(sealed) // 2] ^= 0x04
    send_message(sock, sealed)


def recv_frame(sock, cipher):
    plaintext = cipher.decrypt_with_ad(b"", recv_message(sock))
    if not plaintext:
        raise ValueError("empty frame")
    return plaintext[0], bytes(plaintext[1:])


def handshake(sock, args):
    dh = X25519DH()
    static = dh.generate_keypair(PrivateKey(bytes.fromhex(args.static_secret)))
    state = HandshakeState(SymmetricState(CipherState(ChaChaPolyCipher()), SHA256Hash()), dh)
    initiator = args.role == "initiator"
    state.initialize(XXHandshakePattern(), initiator, PROLOGUE, static)
    identity = bytes.fromhex(args.identity)

    def read(index):
        message = recv_message(sock)
        if len(message) != MESSAGE_SIZES[index]:
            raise ValueError("handshake message %d: %d bytes" % (index + 1, len(message)))
        payload = bytearray()
        result = state.read_message(message, payload)
        return bytes(payload), result

    def write(payload):
        buffer = bytearray()
        result = state.write_message(payload, buffer)
        send_message(sock, buffer)
        return result

    if initiator:
        write(b"")
        peer_identity, _ = read(1)
        ciphers = None
    else:
        read(0)
        write(identity)
        peer_identity, ciphers = read(2)
    if state.rs.data.hex() != args.peer_static:
        raise ValueError("peer static key %s, expected %s" % (state.rs.data.hex(), args.peer_static))
    if peer_identity.hex() != args.peer_identity:
        raise ValueError("peer identity payload %s, expected %s" % (peer_identity.hex(), args.peer_identity))
    if initiator:
        ciphers = write(identity)
    c1, c2 = ciphers  # c1: initiator -> responder
    send, receive = (c1, c2) if initiator else (c2, c1)
    return state.symmetricstate.get_handshake_hash(), send, receive


def run(args):
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
    sock.settimeout(10)
    report = {"ok": True, "role": args.role}
    try:
        try:
            handshake_hash, send, receive = handshake(sock, args)
            report["handshake_hash"] = handshake_hash.hex()
            if args.role == "initiator":
                frame_type, payload = recv_frame(sock, receive)
                if frame_type != ACCEPT or payload:
                    raise ValueError("expected an accept frame, got type %d" % frame_type)
        except (PeerClosed, ConnectionResetError):
            if not args.expect_refusal:
                raise
            report["refused"] = True
            return report
        if args.expect_refusal:
            raise ValueError("the C++ side went on with a peer it should refuse")
        if args.role == "responder":
            send_frame(sock, send, ACCEPT)
        frame_type, payload = recv_frame(sock, receive)
        if frame_type != DATA:
            raise ValueError("expected a data frame, got type %d" % frame_type)
        report["received"] = payload.hex()
        send_frame(sock, send, DATA, b"echo:" + payload, tamper=args.tamper)
        if args.tamper:
            return report
        send_frame(sock, send, DATA, handshake_hash)
        frame_type, payload = recv_frame(sock, receive)
        if frame_type != CLOSE:
            raise ValueError("expected a close frame, got type %d" % frame_type)
        report["close_reason"] = payload.decode("utf-8")
        return report
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--role", choices=["initiator", "responder"], required=True)
    parser.add_argument("--static-secret", required=True, help="own X25519 secret key, hex")
    parser.add_argument("--identity", required=True, help="own Ed25519 public key (handshake payload), hex")
    parser.add_argument("--peer-static", required=True, help="expected X25519 public key of the peer, hex")
    parser.add_argument("--peer-identity", required=True, help="expected Ed25519 public key of the peer, hex")
    parser.add_argument("--tamper", action="store_true")
    parser.add_argument("--expect-refusal", action="store_true")
    args = parser.parse_args()
    try:
        report = run(args)
    except (OSError, ValueError, PeerClosed, DecryptFailedException, AssertionError) as e:
        print(json.dumps({"ok": False, "role": args.role, "error": "%s: %s" % (type(e).__name__, e)}))
        return 1
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
