from datetime import datetime, timezone, timedelta
from zoneinfo import ZoneInfo, available_timezones
zones = available_timezones()
print(len(zones) > 590, "America/New_York" in zones, "US/Eastern" in zones, "UTC" in zones)
for name, when in [
    ("America/New_York", datetime(2024, 3, 10, 6, 59, tzinfo=timezone.utc)),
    ("America/New_York", datetime(2024, 3, 10, 7, 0, tzinfo=timezone.utc)),
    ("America/New_York", datetime(2024, 11, 3, 5, 59, tzinfo=timezone.utc)),
    ("America/New_York", datetime(2024, 11, 3, 6, 0, tzinfo=timezone.utc)),
    ("Europe/London", datetime(2024, 7, 1, 12, tzinfo=timezone.utc)),
    ("Europe/Berlin", datetime(2023, 10, 29, 0, 30, tzinfo=timezone.utc)),
    ("Europe/Berlin", datetime(2023, 10, 29, 1, 30, tzinfo=timezone.utc)),
    ("Asia/Kolkata", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("Asia/Tokyo", datetime(2024, 6, 1, tzinfo=timezone.utc)),
    ("Australia/Lord_Howe", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("Australia/Lord_Howe", datetime(2024, 7, 1, tzinfo=timezone.utc)),
    ("Australia/Sydney", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("America/Sao_Paulo", datetime(2018, 1, 1, tzinfo=timezone.utc)),
    ("America/Sao_Paulo", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("US/Pacific", datetime(2030, 7, 4, 20, tzinfo=timezone.utc)),
    ("Asia/Kathmandu", datetime(2024, 1, 1, tzinfo=timezone.utc)),
]:
    local = when.astimezone(ZoneInfo(name))
    print(name, local.isoformat(), local.tzname(), local.dst())
# Wall-clock arithmetic and ambiguity (fold) in a DST gap and overlap.
ny = ZoneInfo("America/New_York")
a = datetime(2024, 11, 3, 1, 30, tzinfo=ny)
print(a.utcoffset(), a.replace(fold=1).utcoffset())
print(datetime(2024, 3, 9, 12, tzinfo=ny) + timedelta(days=1))
print(datetime.fromtimestamp(1700000000, ZoneInfo("Europe/Paris")))
