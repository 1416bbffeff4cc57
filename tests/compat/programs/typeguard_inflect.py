# Sources read at run time: typeguard's @typechecked recompiles a function from
# inspect.getsource (inflect applies it to its engine at import); inspect.getsource of the
# program, of a standard module and of one the interpreter has frozen in (os).
import inspect
import os
import json

import inflect
from typeguard import TypeCheckError, typechecked


@typechecked
def scale(x: int, factor: float = 2.0) -> float:
    return x * factor


p = inflect.engine()
print(p.plural("child"), p.plural("mouse"), p.a("hour"), p.a("unicorn"))
print(p.number_to_words(1234567), p.ordinal(23), p.join(["a", "b", "c"]))
print("scale", scale(3))
try:
    scale("3")
except TypeCheckError as e:
    print("TypeCheckError", str(e).split(" is not ")[0])
print("source", inspect.getsource(scale).splitlines()[1])
print("json", inspect.getsource(json.dumps).splitlines()[0])
print("os", "def getenv(" in inspect.getsource(os), os.path.isfile(os.__file__))
