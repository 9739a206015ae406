"""Encryption for the exercise link: TLS with a certificate the facilitator makes at start.

A training room has no certificate authority and no host names, so the facilitator's server
makes a fresh self-signed certificate each time it starts (an EC P-256 key that lives only in
memory and in a private temporary folder while it is loaded; valid for two days) and serves
``wss://``. A station does not check the certificate against any authority: it reads the
certificate's SHA-256 fingerprint and binds the join code to it (protocol.join_proof), and
checks the facilitator's answer bound the same way (protocol.facilitator_proof). So
 - the join code never travels, and everything (names, decisions, interventions) is encrypted;
 - someone in the middle with their own certificate cannot pass a station's hello on to the
   real facilitator (the fingerprints differ), nor pose as the facilitator without the code.
What it is not: a password-authenticated key exchange. A hello captured by someone in the
middle can be tried against every possible code offline; the short code protects one exercise
in one room, for its duration; across sites the code is long (~124 bits) so that search is out
of reach. docs/security.md says so.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import ssl
import tempfile
from pathlib import Path

VALID_FOR = datetime.timedelta(days=2)


def server_context() -> tuple[ssl.SSLContext, str]:
    """A TLS server context with a new self-signed certificate, and that certificate's fingerprint."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hydra_sim exercise")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALID_FOR).sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # No TLS 1.3 session tickets. Stations never resume a TLS session (each connection makes a
    # new client context), and with tickets about one connection in 150 here hung at joining
    # until the server's opening timeout (10 s): the synchronous websockets connection waits
    # with select() on the socket, which cannot see data OpenSSL has already read into its own
    # buffer. Measured over loopback: 6 hung opening handshakes in 800 connections with
    # tickets, none in 1,600 without (issue 14).
    context.num_tickets = 0
    with tempfile.TemporaryDirectory(prefix="hydra-exercise-") as folder:   # 0700; removed at once
        cert_path, key_path = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        context.load_cert_chain(cert_path, key_path)
    return context, fingerprint(der)


def client_context() -> ssl.SSLContext:
    """A TLS client context that encrypts but leaves the facilitator's identity to the code-bound proofs
    (there is no authority to check a classroom certificate against)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def peer_fingerprint(connection) -> str:
    """The fingerprint of the certificate the other end of a websockets connection presented ("" if none)."""
    sock = getattr(connection, "socket", None)
    der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
    return fingerprint(der) if der else ""
