"""The in-app inbox. Approvals, deadlines and domains call `notify`; the header shows
the unread count."""

from .models import Notification


def notify(recipients, *, title: str, body: str = "", link: str = "", category: str = ""):
    """Put a message in each recipient's inbox (duplicates and None are skipped)."""
    seen, rows = set(), []
    for person in recipients:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        rows.append(Notification(recipient=person, title=title[:200], body=body, link=link,
                                 category=category))
    Notification.objects.bulk_create(rows)
    return rows


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
