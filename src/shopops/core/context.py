from .access import user_can
from .nav import nav_for
from .notify import unread_count


def shell(request):
    """What the page header needs: unread inbox count and a permission test."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {
        "inbox_unread": unread_count(user),
        "can": _Can(user),
        "nav_sections": nav_for(user),
    }


class _Can:
    """{% if can.core__view_events %} — '.' is not allowed in template lookups."""

    def __init__(self, user):
        self.user = user

    def __getattr__(self, name):
        return user_can(self.user, name.replace("__", "."))

    def __getitem__(self, name):
        # Django tries item lookup first, so "can.accounts__manage_staff" arrives here too.
        return user_can(self.user, name.replace("__", "."))
