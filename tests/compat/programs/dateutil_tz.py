# python-dateutil, pytz, tzdata: time zone data found by path (pytz/zoneinfo/...) and by
# importlib.resources (tzdata.zoneinfo), parsing and recurrence rules.
import datetime
import importlib.resources
import zoneinfo

import pytz
import tzdata
from dateutil import parser, relativedelta, rrule, tz

d = parser.parse("2024-03-31T01:30:00+00:00")
print("parse", d.isoformat(), parser.parse("Sat, 2 Nov 2024 10:00 PM").isoformat())
print("fuzzy", parser.parse("the meeting is on 2025-01-15 at 9:30", fuzzy=True).isoformat())
paris = tz.gettz("Europe/Paris")
print("gettz", paris is not None, d.astimezone(paris).isoformat(), d.astimezone(paris).tzname())
print("winter", datetime.datetime(2024, 1, 15, 12, tzinfo=paris).utcoffset())
print("utc", tz.UTC.utcoffset(None), tz.gettz("UTC") is not None)
print("relativedelta", (datetime.date(2024, 1, 31) + relativedelta.relativedelta(months=+1)).isoformat())
print("rrule", [x.date().isoformat() for x in rrule.rrule(rrule.WEEKLY, count=3, byweekday=rrule.FR,
                                                           dtstart=datetime.datetime(2024, 2, 26))])

# zoneinfo from the tzdata package only (no system folder on the search path).
zoneinfo.reset_tzpath(to=[])
tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
print("zoneinfo", tokyo.key, d.astimezone(tokyo).isoformat())
ny = zoneinfo.ZoneInfo("America/New_York")
print("dst", datetime.datetime(2024, 7, 1, tzinfo=ny).tzname(), datetime.datetime(2024, 1, 1, tzinfo=ny).tzname())
print("available", len(zoneinfo.available_timezones()) > 400, "Europe/Paris" in zoneinfo.available_timezones())
zones = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
print("tzdata", tzdata.IANA_VERSION, len(zones) > 400, "Asia/Tokyo" in zones)
try:
    zoneinfo.ZoneInfo("Nowhere/Atlantis")
except zoneinfo.ZoneInfoNotFoundError as e:
    print("not found", type(e).__name__)

# pytz reads pytz/zoneinfo/<name> next to its own __file__.
berlin = pytz.timezone("Europe/Berlin")
print("pytz", berlin.zone, berlin.localize(datetime.datetime(2024, 6, 1, 12)).isoformat())
print("pytz utc", pytz.utc.localize(datetime.datetime(2024, 1, 1)).astimezone(pytz.timezone("Asia/Kolkata")).isoformat())
print("pytz all", len(pytz.all_timezones) > 400, "US/Eastern" in pytz.all_timezones_set)
try:
    pytz.timezone("Nowhere/Atlantis")
except pytz.UnknownTimeZoneError:
    print("pytz unknown")
