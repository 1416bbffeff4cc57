# certifi: the CA bundle is read by path (certifi.where()) and by importlib.resources.
import os
import ssl

import certifi

path = certifi.where()
print("exists", os.path.exists(path), os.path.isfile(path), os.path.getsize(path) > 100000)
ctx = ssl.create_default_context(cafile=certifi.where())
stats = ctx.cert_store_stats()
print("context", ctx.verify_mode == ssl.CERT_REQUIRED, ctx.check_hostname, stats["x509_ca"] > 100)
with open(path, encoding="ascii") as f:
    pem = f.read()
print("pem", pem.count("-----BEGIN CERTIFICATE-----") == stats["x509_ca"], pem == certifi.contents())
ctx2 = ssl.create_default_context(cadata=certifi.contents())
print("cadata", ctx2.cert_store_stats()["x509_ca"] == stats["x509_ca"])
print("version", certifi.__version__)
# A child process given the path (curl --cacert "$(python -m certifi)"), with subprocess's
# defaults: it opens the path itself.
import subprocess  # noqa: E402

child = subprocess.run(["grep", "-c", "BEGIN CERTIFICATE", path], capture_output=True, text=True)
print("child", child.returncode, int(child.stdout) == stats["x509_ca"])
