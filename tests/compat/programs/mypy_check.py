# mypy: compiled by mypyc, its package __init__ an extension module; typeshed's stubs are read
# through importlib.resources.files("mypy") / "typeshed".
import os
import tempfile

from mypy import api

d = tempfile.mkdtemp()
path = os.path.join(d, "m.py")
with open(path, "w") as f:
    f.write("import json\n\ndef f(x: int) -> str:\n    return x\n\nxs: list[int] = ['a']\n"
            "reveal_type(json.loads)\n")
out, err, status = api.run([path, "--no-incremental", "--no-error-summary", "--hide-error-context",
                            "--cache-dir", os.path.join(d, "cache")])
print(out.replace(d + os.sep, "").strip())
print("status", status, repr(err))
