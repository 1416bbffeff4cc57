# protobuf: the `google` namespace package (no __init__.py), the upb C extension, well-known
# types, a message class built at run time from a FileDescriptorProto, JSON and text formats.
import pkgutil

import google
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, struct_pb2, text_format
from google.protobuf import timestamp_pb2, duration_pb2, message_factory
from google.protobuf.internal import api_implementation

print("namespace", getattr(google, "__file__", None) is None, google.__spec__.origin is None,
      [m.name for m in pkgutil.iter_modules(google.__path__)], len(list(google.__path__)) >= 1)
print("implementation", api_implementation.Type())
ts = timestamp_pb2.Timestamp()
ts.FromJsonString("2024-05-06T07:08:09.5Z")
print("timestamp", ts.seconds, ts.nanos, ts.ToJsonString())
d = duration_pb2.Duration(seconds=90)
print("duration", d.ToJsonString(), d.ToTimedelta())
s = struct_pb2.Struct()
s.update({"name": "frost", "n": 3, "tags": ["a", "b"], "nested": {"ok": True}})
data = s.SerializeToString()
back = struct_pb2.Struct.FromString(data)
print("struct", len(data), back["name"], back["nested"]["ok"], list(back["tags"]))
print("json", json_format.MessageToJson(back, sort_keys=True, indent=None))

fdp = descriptor_pb2.FileDescriptorProto(name="frost_test.proto", package="frost", syntax="proto3")
msg = fdp.message_type.add(name="Person")
msg.field.add(name="name", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
              label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
msg.field.add(name="ids", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
              label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED)
pool = descriptor_pool.DescriptorPool()
pool.Add(fdp)
Person = message_factory.GetMessageClass(pool.FindMessageTypeByName("frost.Person"))
p = Person(name="Ada", ids=[1, 2, 300])
wire = p.SerializeToString()
print("dynamic", wire.hex(), Person.FromString(wire) == p)
print("text", text_format.MessageToString(p, as_one_line=True))
print("from json", json_format.Parse('{"name": "Bob", "ids": [7]}', Person()).ids[0])
try:
    Person.FromString(b"\xff\xff")
except Exception as e:
    print("decode error", type(e).__name__)
