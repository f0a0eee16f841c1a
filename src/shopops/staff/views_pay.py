"""基本工资 (HR-KPI): who earns what base pay from which month; the manager sets it."""

from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.money import parse_yuan

from .actions.pay import set_base_pay
from .models import BasePay


def _month(text) -> date | None:
    try:
        year, month = (int(p) for p in (text or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return None


@access("staff.view_pay")
def pay_list(request):
    people = list(User.objects.filter(is_active=True, role_assignments__isnull=False).distinct()
                  .prefetch_related("roles").order_by("employee_no", "pk"))
    history: dict[int, list[BasePay]] = {}
    for row in BasePay.objects.filter(person__in=people).select_related("set_by"):
        history.setdefault(row.person_id, []).append(row)
    this_month = timezone.localdate().replace(day=1)
    rows = []
    for person in people:
        rates = history.get(person.pk, [])  # newest first (Meta.ordering)
        current = next((r for r in rates if r.effective_from <= this_month), None)
        upcoming = [r for r in rates if r.effective_from > this_month]
        rows.append({"person": person, "current": current, "upcoming": upcoming,
                     "history": rates})
    return render(request, "staff/pay/list.html", {
        "rows": rows, "this_month": f"{this_month:%Y-%m}",
        "may_set": user_can(request.user, "staff.manage_pay"), "page_title": _("基本工资")})


@require_POST
@access("staff.manage_pay")
def pay_set(request, person_id):
    person = get_object_or_404(User, pk=person_id)
    month = _month(request.POST.get("effective_from"))
    try:
        if month is None:
            raise UserError("bad_month", "请选择起始月份。", "Choose the month it applies from.")
        fen = parse_yuan(request.POST.get("base", ""))
        set_base_pay(actor=request.user, person=person, base_fen=fen, effective_from=month,
                     note=request.POST.get("note", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已设置 {name} 的基本工资。").format(name=person))
    return redirect("staff:pay_list")


urlpatterns = [
    path("pay/", pay_list, name="pay_list"),
    path("pay/<int:person_id>/set/", pay_set, name="pay_set"),
]
