"""A tour of the standard library: the same output under python3 and frozen by Frost.

Used by the tests (identical output with every host Python hidden) and by bench/python.sh.
"""
import argparse
import asyncio
import bz2
import ctypes
import datetime
import decimal
import hashlib
import json
import logging
import lzma
import sqlite3
import ssl
import sys

try:
    import zoneinfo
except ImportError:  # Python 3.8
    zoneinfo = None


def parse(argv):
    parser = argparse.ArgumentParser(prog="stdlib_app", description="Frost stdlib sample.")
    parser.add_argument("--name", default="frost")
    parser.add_argument("--count", type=int, default=3)
    return parser.parse_args(argv)


async def gather(count):
    async def square(n):
        await asyncio.sleep(0)
        return n * n
    return await asyncio.gather(*(square(n) for n in range(count)))


def main(argv):
    args = parse(argv)
    log = logging.getLogger("stdlib_app")
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    log.info("hello %s", args.name)

    print("json", json.dumps({"name": args.name, "count": args.count, "list": [1, 2.5, None]}, sort_keys=True))

    db = sqlite3.connect(":memory:")
    db.execute("create table t (k text primary key, v integer)")
    db.executemany("insert into t values (?, ?)", [("a", 1), ("b", 2), ("c", 3)])
    print("sqlite3", db.execute("select group_concat(k), sum(v) from t").fetchone(), sqlite3.sqlite_version)

    ctx = ssl.create_default_context()
    print("ssl", ssl.OPENSSL_VERSION, ctx.verify_mode == ssl.CERT_REQUIRED, ctx.check_hostname)

    data = b"frost" * 100
    print("hashlib", hashlib.sha256(data).hexdigest()[:16], hashlib.md5(data).hexdigest()[:16],
          hashlib.new("sha3_256", data).hexdigest()[:16], hashlib.blake2b(data).hexdigest()[:16])

    decimal.getcontext().prec = 30
    print("decimal", decimal.Decimal(1) / decimal.Decimal(7), decimal.Decimal("1.1") + decimal.Decimal("2.2"))

    day = datetime.datetime.strptime("2024-02-28 12:30", "%Y-%m-%d %H:%M")
    zone = zoneinfo.ZoneInfo("Europe/Paris") if zoneinfo else datetime.timezone(datetime.timedelta(hours=1), "CET")
    paris = day.replace(tzinfo=zone)
    print("datetime", (day + datetime.timedelta(days=2)).isoformat(), paris.utcoffset(), paris.tzname())

    print("asyncio", asyncio.run(gather(args.count)))

    libc = ctypes.CDLL(None)
    buf = ctypes.create_string_buffer(b"frozen")
    print("ctypes", libc.strlen(buf), ctypes.sizeof(ctypes.c_int64), libc.abs(-42))

    packed = lzma.compress(data)
    print("lzma", len(data), lzma.decompress(packed) == data)
    packed = bz2.compress(data)
    print("bz2", len(data), bz2.decompress(packed) == data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
