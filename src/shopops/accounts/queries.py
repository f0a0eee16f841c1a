from django.db.models import Q
from django.utils import timezone

from .models import User


def users_with_roles(codes) -> list[User]:
    """Active people holding (or acting in) any of the roles today."""
    today = timezone.localdate()
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role__code__in=list(codes),
        )
        .filter(Q(role_assignments__starts_on__isnull=True) | Q(role_assignments__starts_on__lte=today))
        .filter(Q(role_assignments__ends_on__isnull=True) | Q(role_assignments__ends_on__gte=today))
        .distinct()
        .order_by("pk")
    )
