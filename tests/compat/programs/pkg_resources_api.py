# setuptools' pkg_resources (its vendored packages, the working set built from sys.path
# metadata; setuptools/_vendor added to sys.path at import) and setuptools imported as a library.
import warnings

warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
import pkg_resources  # noqa: E402
import setuptools  # noqa: E402
import six  # noqa: F401,E402  (bundled, so its metadata is too)
import jmespath  # noqa: F401,E402

dist = pkg_resources.get_distribution("six")
print("distribution", dist.project_name, dist.version, dist.has_version())
print("jmespath", pkg_resources.get_distribution("jmespath").version)
req = pkg_resources.Requirement.parse("six>=1.10,<2")
print("requirement", req.project_name, dist in req, sorted(str(s) for s in req.specifier))
print("parse_version", pkg_resources.parse_version("1.10") > pkg_resources.parse_version("1.9"))
print("working set", pkg_resources.working_set.find(pkg_resources.Requirement.parse("six")) is not None)
try:
    pkg_resources.require("six>=99")
except pkg_resources.VersionConflict as e:
    print("conflict", type(e).__name__)
try:
    pkg_resources.get_distribution("no-such-distribution")
except pkg_resources.DistributionNotFound as e:
    print("not found", type(e).__name__)
print("resource", pkg_resources.resource_exists("setuptools", "script.tmpl"),
      pkg_resources.resource_string("setuptools", "script.tmpl").decode().count("\n"))
print("setuptools", setuptools.__version__.split(".")[0], callable(setuptools.setup), setuptools.find_packages is not None)
print("safe_name", pkg_resources.safe_name("My_Package!"), pkg_resources.to_filename("a-b"))
