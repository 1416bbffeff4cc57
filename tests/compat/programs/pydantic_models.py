# pydantic v2 (pydantic-core in Rust, annotated-types, typing-inspection): validation,
# errors, serialization, JSON schema, settings-like defaults.
import datetime
from typing import Annotated, Literal, Optional

import pydantic
import pydantic_core
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator


class Address(BaseModel):
    city: str
    zip: Annotated[str, Field(pattern=r"^\d{5}$")]


class User(BaseModel):
    model_config = pydantic.ConfigDict(str_strip_whitespace=True)
    id: int
    name: str = Field(min_length=2)
    email: Optional[str] = None
    role: Literal["admin", "user"] = "user"
    born: datetime.date
    tags: list[str] = []
    address: Address

    @field_validator("name")
    @classmethod
    def capitalize(cls, v: str) -> str:
        return v.title()


u = User.model_validate({"id": "7", "name": "  ada lovelace ", "born": "1815-12-10",
                         "address": {"city": "London", "zip": "12345"}, "tags": ["a", "b"]})
print("valid", u.id, repr(u.name), u.born.isoformat(), u.address.city, u.role)
print("dump", u.model_dump(exclude={"tags"}))
print("json", u.model_dump_json(include={"id", "born"}))
try:
    User(id="x", name="a", role="root", born="not a date", address={"city": 1, "zip": "abc"})
except ValidationError as e:
    print("invalid", e.error_count(), sorted(err["type"] for err in e.errors()))
    print("locs", sorted(".".join(map(str, err["loc"])) for err in e.errors()))
print("adapter", TypeAdapter(list[int]).validate_json("[1, 2, 3]"), TypeAdapter(dict[str, float]).validate_python({"a": "1.5"}))
schema = User.model_json_schema()
print("schema", sorted(schema["properties"]), schema["required"])
print("copy", u.model_copy(update={"id": 8}).id, User.model_fields["name"].is_required())
print("versions", pydantic.VERSION.split(".")[0], isinstance(pydantic_core.__version__, str))
