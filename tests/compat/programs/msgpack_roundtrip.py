# msgpack (Cython, msgpack._cmsgpack): packing, unpacking, extension types, streaming.
import msgpack

packed = msgpack.packb({"int": 1, "list": [1, 2, 3], "bin": b"\x00\xff", "str": "é", "f": 1.5}, use_bin_type=True)
print("msgpack", len(packed), packed.hex()[:24])
print("unpack", msgpack.unpackb(packed, raw=False))
ext = msgpack.packb(msgpack.ExtType(5, b"abc"))
print("ext", msgpack.unpackb(ext))
unpacker = msgpack.Unpacker(raw=False)
unpacker.feed(msgpack.packb([1, 2]) + msgpack.packb("three"))
print("stream", list(unpacker))
ts = msgpack.Timestamp.from_unix(1700000000)
print("timestamp", msgpack.unpackb(msgpack.packb(ts)).seconds)
print("c extension", msgpack.Packer.__module__)
