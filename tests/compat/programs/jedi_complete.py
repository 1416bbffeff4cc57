# jedi (with parso's grammar files read by path): completions and a definition inferred from
# the standard library's sources, which python3 reads from its lib folder.
import jedi

code = "import json\njson."
names = [c.name for c in jedi.Script(code, path="example.py").complete(2, 5)]
print(len(names) > 10, [n for n in names if n in ("codecs", "dumps", "loads", "JSONDecoder", "_default_decoder")])
code = "import os.path\nos.path.join('a', 'b').upp"
print([c.name for c in jedi.Script(code, path="example.py").complete(2, 26)])
d = jedi.Script("import json\njson.dumps", path="example.py").infer(2, 7)[0]
print(d.name, d.type, d.module_name, d.line is not None)
sig = jedi.Script("import json\njson.dumps(", path="example.py").get_signatures(2, 11)
print([p.name for p in sig[0].params][:3])
