# PyYAML: the C (libyaml, Cython _yaml) loader and dumper when available, and the pure ones.
import yaml

print("libyaml", yaml.__with_libyaml__, hasattr(yaml, "CSafeLoader"))
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
text = """
name: frost
version: 1.2
enabled: true
when: 2024-01-02
items:
  - a
  - {b: 2, c: [3, 4]}
anchor: &x {k: v}
ref: *x
multi: |
  line one
  line two
"""
data = yaml.load(text, Loader=Loader)
print("load", Loader.__name__, data)
print("same as pure", data == yaml.safe_load(text))
out = yaml.dump(data, Dumper=Dumper, sort_keys=True, default_flow_style=False)
print("dump", out.count("\n"), out.splitlines()[0])
print("round trip", yaml.load(out, Loader=Loader) == data)
print("all", list(yaml.load_all("a: 1\n---\nb: 2\n", Loader=Loader)))
try:
    yaml.load("a: [1, 2", Loader=Loader)
except yaml.YAMLError as e:
    print("error", type(e).__name__)
try:
    yaml.load("!!python/object:os.system {}", Loader=Loader)
except yaml.constructor.ConstructorError:
    print("unsafe tag refused")
print("module", yaml._yaml.__name__ if yaml.__with_libyaml__ else None)
