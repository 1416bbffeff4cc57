# simplejson (C speedups simplejson._speedups) and wrapt (C extension wrapt._wrappers):
# decorators, object proxies, post-import hooks.
import decimal
import sys

import simplejson
import wrapt

doc = {"price": decimal.Decimal("19.99"), "items": [1, 2.5, None], "name": "é", "nan": float("nan")}
text = simplejson.dumps(doc, sort_keys=True, use_decimal=True, ignore_nan=True)
print("dumps", text)
back = simplejson.loads(text, use_decimal=True)
print("loads", back["price"], type(back["price"]).__name__, back["nan"])
print("speedups", simplejson._speedups.__name__, simplejson.encoder.c_make_encoder is not None)
try:
    simplejson.loads('{"a": }')
except simplejson.JSONDecodeError as e:
    print("error", e.lineno, e.colno)
print("iterable", simplejson.dumps(iter([1, 2]), iterable_as_array=True), simplejson.dumps({"k": (1, 2)}, tuple_as_array=True))

calls = []


@wrapt.decorator
def logged(wrapped, instance, args, kwargs):
    calls.append((wrapped.__name__, args))
    return wrapped(*args, **kwargs)


@logged
def add(a, b):
    """Adds."""
    return a + b


class Calc:
    @logged
    def twice(self, x):
        return 2 * x


print("decorator", add(2, 3), Calc().twice(4), calls, add.__name__, add.__doc__)


class Counter(wrapt.ObjectProxy):
    def __init__(self, wrapped):
        super().__init__(wrapped)
        self._self_count = 0

    def append(self, x):
        self._self_count += 1
        return self.__wrapped__.append(x)


lst = Counter([])
lst.append(1)
lst.append(2)
print("proxy", lst, len(lst), lst._self_count, isinstance(lst, list), type(lst).__mro__[1].__module__)
hooked = []
wrapt.register_post_import_hook(lambda m: hooked.append(m.__name__), "colorsys")
import colorsys  # noqa: E402
print("post import hook", hooked, "colorsys" in sys.modules)
