"""The business day (ARCHITECTURE: "same day" means the local day, Asia/Shanghai by
default): its start and end as aware datetimes, for queries of "today" or of one day."""

from datetime import datetime, time, timedelta

from django.utils import timezone


def day_bounds(day=None) -> tuple[datetime, datetime]:
    """[start, end) of `day` (default today) in the default time zone."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())
    return start, start + timedelta(days=1)
