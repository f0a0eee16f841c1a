"""Document numbers: PREFIX + business day + 4-digit counter, e.g. RK20261123-0001."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Sequence


def next_number(prefix: str, *, day=None) -> str:
    day = day or timezone.localdate()
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
