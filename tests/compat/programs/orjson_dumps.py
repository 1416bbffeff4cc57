# orjson (Rust/PyO3): dataclasses, enums, UUIDs, datetimes, options and errors.
import dataclasses
import datetime
import enum
import uuid

import orjson


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Item:
    name: str
    tags: list


doc = {"b": 1, "a": [1.5, None, True], "when": datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc),
       "id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "item": Item("x", ["t"]), "color": Color.RED}
raw = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
print("orjson", raw.decode())
print("indent", orjson.dumps({"k": [1, 2]}, option=orjson.OPT_INDENT_2).decode().count("\n"))
print("loads", orjson.loads(b'{"x": [1, 2.5, "\\u00e9"], "y": null}'))
try:
    orjson.loads(b"{bad")
except orjson.JSONDecodeError as e:
    print("error", type(e).__name__, isinstance(e, ValueError))
try:
    orjson.dumps(object())
except orjson.JSONEncodeError as e:
    print("encode error", type(e).__name__)
