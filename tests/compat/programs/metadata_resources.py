# importlib.metadata (versions, requirements, entry points of the bundled distributions) and
# importlib.resources and pkgutil.get_data (data files of packages: certifi, jinja2, tzdata).
import importlib.metadata as md
import importlib.resources as resources
import pkgutil

# Every distribution asked about is imported: a frozen program carries the metadata of what
# it bundles.
import certifi, charset_normalizer, dateutil, flask, google.protobuf, jinja2  # noqa: E401
import numpy, PIL, pyflakes, pygments, requests, rich, six, typing_extensions, tzdata, urllib3, yaml  # noqa: E401

for dist in ("requests", "urllib3", "numpy", "PyYAML", "pyyaml", "python-dateutil", "typing_extensions", "Pillow"):
    print("version", dist, md.version(dist))
try:
    md.version("no-such-distribution")
except md.PackageNotFoundError as e:
    print("not found", type(e).__name__)
print("requires", sorted(r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].split("!")[0].strip()
                         for r in md.requires("requests") if "extra" not in r))
print("metadata", md.metadata("flask")["Name"], md.metadata("rich")["Requires-Python"])
scripts = sorted(ep.name for ep in md.entry_points(group="console_scripts")
                 if ep.name in ("flask", "pygmentize", "pyflakes", "normalizer"))
print("console_scripts", scripts)
ep = [e for e in md.entry_points(group="console_scripts") if e.name == "pyflakes"][0]
print("entry point", ep.value, ep.load().__name__)
print("packages", md.packages_distributions()["yaml"], sorted(md.packages_distributions()["google"]))
files = md.files("six")
print("files", sorted(str(f) for f in files if f.suffix == ".py"))

print("certifi", resources.files("certifi").joinpath("cacert.pem").read_bytes().count(b"BEGIN CERTIFICATE") > 100)
print("jinja2", resources.files("jinja2").joinpath("py.typed").is_file())
print("tzdata", resources.files("tzdata.zoneinfo").joinpath("UTC").read_bytes()[:4])
print("tzdata iter", sorted(p.name for p in resources.files("tzdata.zoneinfo.Pacific").iterdir())[:3])
with resources.as_file(resources.files("tzdata.zoneinfo").joinpath("Europe/Paris")) as path:
    print("as_file", path.exists(), path.read_bytes()[:4])  # a real file (its name may differ)
print("pkgutil", pkgutil.get_data("certifi", "py.typed") == b"", len(pkgutil.get_data("tzdata", "zones")) > 1000)
