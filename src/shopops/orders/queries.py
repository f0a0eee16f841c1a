"""Reads for the order page: its deadlines and what the warehouse line did with it, each
in a fixed number of queries."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shopops.core.models import Deadline

RESULT_LABELS = {"pass": gettext_noop("通过"), "hold": gettext_noop("挂起"),
                 "set": gettext_noop("设定"), "skip": gettext_noop("跳过")}
# Marked for the message catalog; the template translates them when shown.
STEP_LABELS = [gettext_noop("审单"), gettext_noop("打单"), gettext_noop("配货"), gettext_noop("验货"),
               gettext_noop("打包"), gettext_noop("发货"), gettext_noop("签收")]


def deadlines_of(order):
    """Every deadline on the order (ORD-2, ORD-3, ORD-5, FUL-6 …), open ones first."""
    rows = list(Deadline.objects.filter(subject_type=order._meta.label_lower,
                                        subject_id=str(order.pk)).select_related("owner")
                .order_by("due_at", "pk"))
    order_of = {Deadline.State.PENDING: 0, Deadline.State.FIRED: 1}
    return sorted(rows, key=lambda d: (order_of.get(d.state, 2), d.due_at))


def line_record(order):
    """The warehouse line's records of the order: the last review decision (with its rule
    trace), its wave, its slips (void ones too), its parcels and their latest tracking."""
    from shopops.fulfillment.models import ReviewDecision, Slip, TrackingEvent, WaveOrder

    decision = (ReviewDecision.objects.filter(order=order).select_related("by", "rule_set")
                .order_by("-at", "-pk").first())
    member = WaveOrder.objects.filter(order=order).select_related("wave", "wave__picker").first()
    slips = list(Slip.objects.filter(order=order).select_related("courier", "print_run",
                                                                 "print_run__printed_by")
                 .order_by("copy_no"))
    parcels = list(order.parcels.select_related("courier", "handover"))
    tracking = list(TrackingEvent.objects.filter(parcel__in=parcels).order_by("-at", "-pk")[:20])
    if decision is not None:
        for entry in decision.trace:
            entry["result_label"] = _(RESULT_LABELS.get(entry.get("result"), entry.get("result", "")))
    return {"decision": decision, "wave": member.wave if member else None,
            "position": member.position if member else None, "slips": slips,
            "parcels": parcels, "tracking": tracking}


def steps(order):
    """审单 → 打单 → 配货 → 验货 → 打包 → 发货 → 签收: who and when, for the progress bar."""
    who = [order.reviewed_by, None, order.picked_by, order.verified_by, None, None, None]
    at = [order.reviewed_at, order.printed_at, order.picked_at, order.verified_at,
          order.packed_at, order.shipped_at, order.delivered_at]
    return [{"label": label, "at": when, "by": by} for label, when, by in zip(STEP_LABELS, at, who,
                                                                            strict=True)]
