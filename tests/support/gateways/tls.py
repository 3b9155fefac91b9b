"""A local certificate authority and a 127.0.0.1/localhost server certificate, made once and cached.

The real clients talk HTTPS to their services (`fal_client` builds `https://{FAL_RUN_HOST}/...`;
`replicate` only wraps `https:` and `data:` outputs as `FileOutput`), so the gateways serve TLS.
The clients trust the CA through `SSL_CERT_FILE`, which httpx (under both clients) and Python's
default SSL context read; nothing in the clients is patched.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

_VALID_DAYS = 30
_RENEW_BEFORE = datetime.timedelta(days=2)


@dataclass(frozen=True)
class LocalTls:
    ca_file: Path     # give to clients: SSL_CERT_FILE
    cert_file: Path   # the gateways' certificate chain (server certificate, then the CA)
    key_file: Path


def local_tls(folder: Path) -> LocalTls:
    """The CA and server certificate in `folder`, made (or renewed when near expiry) as needed."""
    tls = LocalTls(folder / "ca.pem", folder / "server.pem", folder / "server-key.pem")
    if not _still_valid(tls.cert_file):
        folder.mkdir(parents=True, exist_ok=True)
        _make(tls)
    return tls


def _still_valid(cert_file: Path) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificates(cert_file.read_bytes())[0]
    except (OSError, ValueError, IndexError):
        return False
    now = datetime.datetime.now(datetime.timezone.utc)
    return cert.not_valid_after_utc - now > _RENEW_BEFORE


def _make(tls: LocalTls) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=_VALID_DAYS)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cog2fal test gateways CA")])
    ca = (x509.CertificateBuilder()
          .subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))

    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(start).not_valid_after(end)
              .add_extension(x509.SubjectAlternativeName([
                  x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                  critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))

    pem = serialization.Encoding.PEM
    ca_pem = ca.public_bytes(pem)
    _write(tls.key_file, key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()), private=True)
    _write(tls.ca_file, ca_pem)
    _write(tls.cert_file, server.public_bytes(pem) + ca_pem)  # written last: it marks "complete"


def _write(path: Path, data: bytes, private: bool = False) -> None:
    partial = path.with_name(path.name + f".{os.getpid()}.tmp")
    partial.write_bytes(data)
    if private:
        partial.chmod(0o600)
    partial.replace(path)
