# tabulate (text tables in many formats) and jmespath (JSON queries): pure Python.
import jmespath
import tabulate

rows = [["numpy", "Fortran", 9.5], ["orjson", "Rust", 10], ["six", "pure", 7.25]]
print(tabulate.tabulate(rows, headers=["name", "kind", "score"], tablefmt="github", floatfmt=".2f"))
print(tabulate.tabulate(rows, headers="firstrow", tablefmt="grid"))
print(tabulate.tabulate([{"a": 1, "b": "x"}, {"a": 22, "b": "yy"}], headers="keys", tablefmt="rst"))
print(tabulate.tabulate([["漢字", 1], ["ab", 22]], tablefmt="simple"))
print("formats", len(tabulate.tabulate_formats) > 20, "pipe" in tabulate.tabulate_formats)

data = {"people": [{"name": "ada", "age": 36, "langs": ["en", "fr"]},
                   {"name": "bob", "age": 25, "langs": ["en"]},
                   {"name": "cy", "age": 41, "langs": []}],
        "meta": {"count": 3}}
print("names", jmespath.search("people[*].name", data))
print("filter", jmespath.search("people[?age > `30`].name | sort(@)", data))
print("projection", jmespath.search("people[].{n: name, l: length(langs)}", data))
print("functions", jmespath.search("max_by(people, &age).name", data), jmespath.search("sum(people[].age)", data))
expr = jmespath.compile("meta.count")
print("compiled", expr.search(data), jmespath.search("people[0].missing", data))
try:
    jmespath.search("people[?", data)
except jmespath.exceptions.ParseError as e:
    print("error", type(e).__name__)
