# pyflakes run as `python -m pyflakes FILE` would run it (runpy.run_module on its __main__), and
# through its API.
import io
import runpy
import sys

import pyflakes
import pyflakes.api
import pyflakes.reporter

with open("sample.py", "w", encoding="utf-8") as f:
    f.write("import os\nimport sys\n\ndef f():\n    return undefined_name + sys.maxsize\n\nx: int = 'a'\n")

sys.argv = ["pyflakes", "sample.py"]
try:
    runpy.run_module("pyflakes", run_name="__main__", alter_sys=True)
except SystemExit as e:
    print("exit status", e.code)

out, err = io.StringIO(), io.StringIO()
count = pyflakes.api.check("def g(a):\n    b = 1\n    return c\n", "snippet.py",
                           pyflakes.reporter.Reporter(out, err))
print("api", count, out.getvalue().splitlines())
count = pyflakes.api.check("def (:\n", "broken.py", pyflakes.reporter.Reporter(out, err))
print("syntax", count, err.getvalue().splitlines()[0])
print("clean", pyflakes.api.check("import os\nprint(os.sep)\n", "ok.py", pyflakes.reporter.Reporter(out, err)))
print("version", pyflakes.__version__.split(".")[0])
