"""Document numbers: PREFIX + business day + counter, e.g. RK20261123-0001.

Two ways to count, same format:

- The Sequence table (every database): a conditional UPDATE of the day's row. Its row lock
  is held until the caller's transaction commits, so two transactions numbering the same
  prefix take turns — fine for documents a clerk makes a few of a minute.
- A PostgreSQL SEQUENCE for the hot prefixes (orders, parcels, waybills…; declared with
  `high_volume(prefix)`): nextval() never waits for another transaction, so order intake
  and the warehouse line run in parallel at peak. Its counter does not restart each day
  (the day in the number keeps numbers unique and readable); a rolled-back transaction
  leaves a gap, which is normal for order numbers. The sequences are created after
  `migrate` (post_migrate); until then the table is used.

On SQLite writers are serialized anyway, so the table is used everywhere.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Sequence

HIGH_VOLUME: set[str] = set()
_ready: set[str] = set()  # prefixes whose PostgreSQL sequence is known to exist


def high_volume(prefix: str):
    HIGH_VOLUME.add(prefix)


def sequence_name(prefix: str) -> str:
    return f"shopops_number_{prefix.lower()}"


def create_sequences(**_kwargs):
    """post_migrate: one PostgreSQL sequence per high-volume prefix (idempotent)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for prefix in sorted(HIGH_VOLUME):
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(prefix)}")


def _from_sequence(prefix):
    if prefix not in _ready:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [sequence_name(prefix)])
            if not cursor.fetchone()[0]:
                return None
        _ready.add(prefix)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [sequence_name(prefix)])
        return cursor.fetchone()[0]


def next_number(prefix: str, *, day=None) -> str:
    day = day or timezone.localdate()
    if prefix in HIGH_VOLUME and connection.vendor == "postgresql":
        value = _from_sequence(prefix)
        if value is not None:
            return f"{prefix}{day:%Y%m%d}-{value:04d}"
    for _ in range(3):
        with transaction.atomic():
            if Sequence.objects.filter(prefix=prefix, day=day).update(value=F("value") + 1):
                value = Sequence.objects.get(prefix=prefix, day=day).value
                return f"{prefix}{day:%Y%m%d}-{value:04d}"
            try:
                with transaction.atomic():
                    Sequence.objects.create(prefix=prefix, day=day, value=1)
                return f"{prefix}{day:%Y%m%d}-0001"
            except IntegrityError:  # another clerk created today's counter first; count on it
                continue
    raise RuntimeError(f"could not allocate a number for {prefix}")
