"""ROLE-6: revealing a buyer's full name, phone and address is a permission and a record."""

from django.apps import apps
from django.db import transaction

from shopops.core.access import require
from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record

from ..models import PiiReveal

# The objects whose pages show buyers' personal data, and so can be revealed.
REVEALABLE = {"orders.order", "service.customer", "service.conversation",
              "aftersales.aftersale"}


def find(object_type: str, object_id):
    if object_type not in REVEALABLE:
        raise UserError("not_revealable", "该对象没有可显示的个人信息。",
                        "This object has no personal data to reveal.")
    model = apps.get_model(object_type)
    obj = model.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
    if obj is None:
        raise NotFoundError("not_found", "找不到该记录。", "No such record.")
    return obj


@transaction.atomic
def reveal_pii(*, actor, obj, reason="") -> PiiReveal:
    require(actor, "service.reveal_pii")
    reason = (reason or "").strip()[:200]
    reveal = PiiReveal.objects.create(viewer=actor, object_type=obj._meta.label_lower,
                                      object_id=str(obj.pk), object_repr=str(obj)[:200],
                                      reason=reason)
    record(actor=actor, verb="pii.revealed", obj=obj,
           summary=f"查看 {obj} 的完整个人信息" + (f"：{reason}" if reason else ""),
           data={"reveal": reveal.pk, "reason": reason})
    return reveal
