# cryptography (Rust/PyO3 with OpenSSL inside, and cffi): hazmat hashes, Fernet with a fixed key,
# a self-signed X.509 certificate (Ed25519, deterministic), RSA sign/verify and OAEP.
import datetime

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.x509.oid import NameOID

h = hashes.Hash(hashes.SHA256())
h.update(b"frost")
print("sha256", h.finalize().hex())
mac = hmac.HMAC(b"key", hashes.SHA256())
mac.update(b"message")
print("hmac", mac.finalize().hex()[:32])
kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=16, salt=b"salt", iterations=1000)
print("pbkdf2", kdf.derive(b"password").hex())
print("aesgcm", AESGCM(bytes(16)).encrypt(bytes(12), b"secret", b"aad").hex())

f = Fernet(b"ZmRmZGZkZmRmZGZkZmRmZGZkZmRmZGZkZmRmZGZkZmQ=")
token = f.encrypt(b"fernet round trip")
print("fernet", f.decrypt(token), len(token))
try:
    Fernet(Fernet.generate_key()).decrypt(token)
except InvalidToken:
    print("fernet wrong key refused")

key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "frost.test"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Frost")])
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(4242)
        .not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
        .not_valid_after(datetime.datetime(2034, 1, 1, tzinfo=datetime.timezone.utc))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("frost.test")]), critical=False)
        .sign(key, None))
pem = cert.public_bytes(serialization.Encoding.PEM)
again = x509.load_pem_x509_certificate(pem)
print("x509", again.subject.rfc4514_string(), again.serial_number, again.not_valid_after_utc.year)
print("fingerprint", again.fingerprint(hashes.SHA256()).hex()[:32])
print("san", again.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName))
key.public_key().verify(again.signature, again.tbs_certificate_bytes)
print("ed25519 verified")

rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
sig = rsa_key.sign(b"data", pss, hashes.SHA256())
rsa_key.public_key().verify(sig, b"data", pss, hashes.SHA256())
oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
print("rsa", rsa_key.key_size, len(sig), rsa_key.decrypt(rsa_key.public_key().encrypt(b"hi", oaep), oaep))
der = rsa_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
print("rsa reload", serialization.load_der_private_key(der, None).private_numbers() == rsa_key.private_numbers())
