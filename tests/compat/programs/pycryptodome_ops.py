# pycryptodome: its C code loaded by ctypes/cffi from paths with "..", and C-level path
# handling (Crypto/Util/../Util/_cpuid_c.so)
from Crypto.Cipher import AES, ChaCha20_Poly1305
from Crypto.Hash import SHA256, SHA3_256, HMAC
from Crypto.PublicKey import RSA, ECC
from Crypto.Protocol.KDF import PBKDF2, scrypt
from Crypto.Signature import pss
key = bytes(range(32)); nonce = bytes(12)
c = AES.new(key, AES.MODE_GCM, nonce=nonce)
ct, tag = c.encrypt_and_digest(b"hello world")
print(ct.hex(), tag.hex())
d = AES.new(key, AES.MODE_GCM, nonce=nonce)
print(d.decrypt_and_verify(ct, tag))
print(SHA256.new(b"abc").hexdigest())
print(SHA3_256.new(b"abc").hexdigest())
print(HMAC.new(b"k", b"m", SHA256).hexdigest())
print(PBKDF2("pw", b"salt", 16, count=1000, hmac_hash_module=SHA256).hex())
print(scrypt("pw", b"salt", 16, N=2**10, r=8, p=1).hex())
c = ChaCha20_Poly1305.new(key=key, nonce=nonce); print(c.encrypt_and_digest(b"x")[0].hex())
k = RSA.generate(1024)
print(k.size_in_bits())
e = ECC.generate(curve="P-256"); print(e.curve)
print(AES.new(key, AES.MODE_CBC, iv=bytes(16)).encrypt(bytes(32)).hex())
