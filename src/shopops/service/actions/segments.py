"""Customer segments (客户分群, CS-4): saved rules over the customer records, evaluated when
the segment is opened, and exported as xlsx — an export needs its own permission and is
recorded (ROLE-4); names and phones are in full only for someone who may reveal them
(ROLE-6), masked otherwise."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require, user_can
from shopops.core.errors import ConflictError, UserError
from shopops.core.events import diff, record

from ..exports import xlsx
from ..models import Customer, CustomerTag, Segment
from ..privacy import mask_name, mask_phone
from ..queries_customers import apply_rules, with_figures

FLAGS = set(Customer.Flag.values)


def _number(value, label, *, scale=1):
    if value in (None, ""):
        return None
    try:
        number = round(float(str(value).strip()) * scale)
    except ValueError:
        raise UserError("segment_rule_number", "「{label}」须为数字。", "'{label}' must be a number.",
                        label=label) from None
    if number < 0:
        raise UserError("segment_rule_number", "「{label}」不能为负数。",
                        "'{label}' cannot be negative.", label=label)
    return number


def clean_rules(*, tags=(), min_orders=None, min_spent_yuan=None, last_order_days=None,
                province="", flag=None) -> dict:
    """Rules from what a person entered (money in yuan); empty ones are left out."""
    rules = {}
    tag_ids = sorted({int(t.pk if hasattr(t, "pk") else t) for t in tags or ()})
    if tag_ids:
        if CustomerTag.objects.filter(pk__in=tag_ids).count() != len(tag_ids):
            raise UserError("segment_rule_tag", "有标签不存在。", "A tag does not exist.")
        rules["tags"] = tag_ids
    for key, value, label, scale in (("min_orders", min_orders, "最少订单数", 1),
                                     ("min_spent_fen", min_spent_yuan, "最低消费金额", 100),
                                     ("last_order_days", last_order_days, "最近下单天数", 1)):
        number = _number(value, label, scale=scale)
        if number:
            rules[key] = number
    if (province or "").strip():
        rules["province"] = province.strip()
    if flag not in (None, "any"):
        if flag not in FLAGS:
            raise UserError("segment_rule_flag", "客户标记不正确。", "Unknown customer flag.")
        rules["flag"] = flag
    return rules


@transaction.atomic
def save_segment(*, actor, name, rules, description="", segment=None) -> Segment:
    require(actor, "service.manage_segments")
    name = (name or "").strip()
    if not name:
        raise UserError("segment_name", "请填写分群名称。", "Enter the segment's name.")
    if not rules:
        raise UserError("segment_no_rules", "请至少设置一个条件。", "Set at least one condition.")
    same = Segment.objects.filter(name=name)
    if segment is not None:
        same = same.exclude(pk=segment.pk)
    if same.exists():
        raise ConflictError("segment_exists", "已有分群「{name}」。", "Segment '{name}' exists.",
                            name=name)
    before = {} if segment is None else {"name": segment.name, "rules": segment.rules,
                                         "description": segment.description}
    if segment is None:
        segment = Segment(created_by=actor)
    segment.name, segment.rules, segment.description = name, rules, (description or "").strip()
    segment.save()
    record(actor=actor, verb="segment.saved", obj=segment, summary=f"保存客户分群「{name}」",
           changes=diff(before, {"name": name, "rules": rules,
                                 "description": segment.description}))
    return segment


@transaction.atomic
def delete_segment(*, actor, segment) -> None:
    require(actor, "service.manage_segments")
    record(actor=actor, verb="segment.deleted", obj=segment,
           summary=f"删除客户分群「{segment.name}」", data={"rules": segment.rules})
    segment.delete()


HEADERS = ["客户编号", "姓名", "手机", "昵称/平台账号", "标签", "客户标记", "订单数", "消费金额（元）",
           "最近下单", "建档时间"]


def segment_customers(segment):
    return (apply_rules(with_figures(), segment.rules)
            .prefetch_related("tags").order_by("number"))


@transaction.atomic
def export_segment(*, actor, segment) -> bytes:
    """The segment's customers as xlsx; the export is recorded with who, when and how many."""
    require(actor, "service.export_customers")
    full = user_can(actor, "service.reveal_pii")
    rows = []
    for c in segment_customers(segment):
        rows.append([
            c.number, c.name if full else mask_name(c.name),
            c.phone if full else mask_phone(c.phone), c.nick,
            "、".join(t.name for t in c.tags.all()), c.get_flag_display(), c.order_count,
            c.spent_fen / 100,
            timezone.localtime(c.last_order_at).strftime("%Y-%m-%d") if c.last_order_at else "",
            timezone.localtime(c.created_at).strftime("%Y-%m-%d")])
    record(actor=actor, verb="segment.exported", obj=segment,
           summary=f"导出客户分群「{segment.name}」{len(rows)} 位客户"
                   + ("（含完整姓名电话）" if full else "（姓名电话已打码）"),
           data={"count": len(rows), "full_pii": full, "rules": segment.rules})
    return xlsx(HEADERS, rows, title=segment.name, widths=[18, 10, 14, 16, 20, 12, 8, 14, 12, 12])
