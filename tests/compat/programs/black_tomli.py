# black and tomli (both compiled with mypyc: one shared *__mypyc*.so holds every module's
# code, the per-module .so files import it), pathspec, pytokens.
import black
import pathspec
import tomli

config = tomli.loads("""
[tool.black]
line-length = 60
target-version = ["py311"]
[[servers]]
name = "a"
ports = [80, 443]
when = 2024-01-02T03:04:05Z
""")
print("tomli", config["tool"]["black"], config["servers"][0]["ports"], config["servers"][0]["when"].isoformat())
try:
    tomli.loads("a = ")
except tomli.TOMLDecodeError as e:
    print("toml error", type(e).__name__)
print("compiled", tomli.loads.__module__, type(tomli.loads).__name__)
mode = black.Mode(line_length=config["tool"]["black"]["line-length"], target_versions={black.TargetVersion.PY311})
src = "def f(a,b = 1,*args, **kw):\n  return {'a':a,'b':[b,b,b,b,b,b,b,b],'args':args}\nx=f( 1,2 )\n"
out = black.format_str(src, mode=mode)
print(out, end="")
print("stable", black.format_str(out, mode=mode) == out)
try:
    black.format_str("def (:\n", mode=mode)
except black.InvalidInput as e:
    print("invalid", type(e).__name__)
print("black compiled", black.COMPILED if hasattr(black, "COMPILED") else None)
spec = pathspec.PathSpec.from_lines("gitwildmatch", ["*.pyc", "build/", "!keep.pyc"])
print("pathspec", [p for p in ["a.py", "a.pyc", "keep.pyc", "build/x.py"] if spec.match_file(p)])
