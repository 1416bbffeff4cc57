import importlib.resources
import pkgutil
import sys

import pkgapp
from pkgapp import greet

print(greet.hello(sys.argv[1] if len(sys.argv) > 1 else "world"))
print("version", pkgapp.VERSION)
print("resource", importlib.resources.files("pkgapp").joinpath("data/motd.txt").read_text().strip())
print("get_data", pkgutil.get_data("pkgapp", "data/motd.txt").decode().strip())
print("submodules", sorted(m.name for m in pkgutil.iter_modules(pkgapp.__path__)))
