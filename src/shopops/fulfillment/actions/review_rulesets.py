"""Versions of the automatic review rules (FUL-1): a manager writes a draft, dry-runs it
against past orders to see what it would have held or passed, then enables it. Exactly one
version is active (constraint one_active_rule_set); enabling retires the previous one."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from shopops.core.errors import ConflictError, UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.models import Event
from shopops.orders.models import Order

from ..models import ReviewDecision, ReviewRuleSet
from ..queries_review import courier_names, review_context, with_lines
from ..rules import evaluate, label, validate
from .common import require_cap

CHUNK = 500
LISTED = 200  # changed orders kept in the stored result; the counts cover all
HOLD_VERBS = ("order.held", "order.review_held", "order.out_of_stock", "order.intercepted")


def _clean(rules, name):
    name = (name or "").strip()
    if not name:
        raise UserError("name_required", "请填写规则名称。", "Please name the rule set.")
    return validate(rules, couriers=courier_names()), name[:100]


@transaction.atomic
def create_rule_set(*, actor, rules, name, note="", based_on=None) -> ReviewRuleSet:
    require_cap(actor, "fulfillment.manage_rules")
    rules, name = _clean(rules, name)
    version = (ReviewRuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            rule_set = ReviewRuleSet.objects.create(
                version=version, name=name, rules=rules, note=(note or "").strip()[:300],
                created_by=actor if actor is not None and actor.pk else None)
    except IntegrityError:
        raise ConflictError("version_taken", "有人同时新建了规则版本，请重试。",
                            "Someone created a rule version at the same time; try again.") from None
    record(actor=actor, verb="review_rules.created", obj=rule_set,
           summary=f"新建审单规则草稿 v{version}：{name}"
                   + (f"（基于 v{based_on.version}）" if based_on is not None else ""),
           data={"version": version, "based_on": based_on.version if based_on else None,
                 "rules": rules})
    return rule_set


@transaction.atomic
def update_rule_set(*, actor, rule_set, rules, name, note="") -> ReviewRuleSet:
    """Change a draft. Its earlier dry-run no longer describes it, so it is cleared."""
    require_cap(actor, "fulfillment.manage_rules")
    rules, name = _clean(rules, name)
    changed = ReviewRuleSet.objects.filter(pk=rule_set.pk, state=ReviewRuleSet.State.DRAFT).update(
        rules=rules, name=name, note=(note or "").strip()[:300], last_dry_run={})
    if not changed:
        raise UserError("not_draft", "只能修改草稿；v{version} 已启用或停用，请新建草稿。",
                        "Only drafts can be changed; v{version} is not a draft.",
                        version=rule_set.version)
    rule_set.refresh_from_db()
    record(actor=actor, verb="review_rules.updated", obj=rule_set,
           summary=f"修改审单规则草稿 v{rule_set.version}：{name}",
           data={"version": rule_set.version, "rules": rules})
    return rule_set


def dry_run(*, actor, rule_set, since, until) -> dict:
    """Evaluate the rule set against orders paid in [since, until), whatever their state
    now, changing none of them; compare with what review actually did (held at least once,
    or not). Stock is not judged: today's stock says nothing about last week's orders."""
    require_cap(actor, "fulfillment.manage_rules")
    if since >= until:
        raise UserError("bad_range", "开始日期须早于结束日期。", "The start must be before the end.")
    result = {"at": timezone.now(), "from": since, "to": until, "total": 0, "held": 0,
              "passed": 0, "newly_held": [], "newly_passed": [], "by_rule": {},
              "newly_held_count": 0, "newly_passed_count": 0}
    ids = list(Order.objects.filter(paid_at__gte=since, paid_at__lt=until)
               .order_by("paid_at", "pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        _dry_run_chunk(rule_set, ids[start:start + CHUNK], result)
    stored = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in result.items()}
    with transaction.atomic():
        ReviewRuleSet.objects.filter(pk=rule_set.pk).update(last_dry_run=stored)
        rule_set.last_dry_run = stored
        record(actor=actor, verb="review_rules.dry_run", obj=rule_set,
               summary=f"试运行审单规则 v{rule_set.version}：{result['total']} 单，"
                       f"将挂起 {result['held']} 单（新增挂起 {result['newly_held_count']}，"
                       f"新增通过 {result['newly_passed_count']}）",
               data={k: stored[k] for k in ("from", "to", "total", "held", "passed",
                                             "newly_held_count", "newly_passed_count",
                                             "by_rule")})
    return result


def _dry_run_chunk(rule_set, ids, result):
    orders = list(with_lines(Order.objects.filter(pk__in=ids)).order_by("paid_at", "pk"))
    ctx = review_context(orders, merge_pool=False, as_first_reviewed=True)
    ctx.located = None  # the stock rule skips (see dry_run)
    held_before = set(ReviewDecision.objects.filter(
        order_id__in=ids, outcome=ReviewDecision.Outcome.HELD).values_list("order_id", flat=True))
    # Held by a person outside review (customer service, a refund) counts as held too.
    held_before |= {int(pk) for pk in Event.objects.filter(
        object_type="orders.order", object_id__in=[str(pk) for pk in ids],
        verb__in=HOLD_VERBS).values_list("object_id", flat=True)}
    for order in orders:
        verdict = evaluate(order, rule_set.rules, ctx=ctx)
        result["total"] += 1
        row = {"order": order.number, "order_id": order.pk, "rule": verdict.rule,
               "rule_label": label(verdict.rule) if verdict.rule else "",
               "message": verdict.message, "state": zh(order.get_state_display())}
        if verdict.held:
            result["held"] += 1
            result["by_rule"][verdict.rule] = result["by_rule"].get(verdict.rule, 0) + 1
            if order.pk not in held_before:
                result["newly_held_count"] += 1
                if len(result["newly_held"]) < LISTED:
                    result["newly_held"].append(row)
        else:
            result["passed"] += 1
            if order.pk in held_before:
                result["newly_passed_count"] += 1
                if len(result["newly_passed"]) < LISTED:
                    result["newly_passed"].append(row)


@transaction.atomic
def activate_rule_set(*, actor, rule_set) -> ReviewRuleSet:
    """Enable a dry-run draft; the active version retires (one active at a time)."""
    require_cap(actor, "fulfillment.manage_rules")
    rule_set = ReviewRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.state != ReviewRuleSet.State.DRAFT:
        raise UserError("not_draft", "v{version} 不是草稿，不能启用。",
                        "v{version} is not a draft.", version=rule_set.version)
    if not rule_set.last_dry_run:
        raise UserError("dry_run_first", "请先对 v{version} 试运行，看过结果再启用。",
                        "Dry-run v{version} against past orders before enabling it.",
                        version=rule_set.version)
    previous = ReviewRuleSet.objects.filter(state=ReviewRuleSet.State.ACTIVE).first()
    ReviewRuleSet.objects.filter(state=ReviewRuleSet.State.ACTIVE).update(
        state=ReviewRuleSet.State.RETIRED)
    now = timezone.now()
    ReviewRuleSet.objects.filter(pk=rule_set.pk, state=ReviewRuleSet.State.DRAFT).update(
        state=ReviewRuleSet.State.ACTIVE, activated_at=now,
        activated_by=actor if actor is not None and actor.pk else None)
    rule_set.refresh_from_db()
    record(actor=actor, verb="review_rules.activated", obj=rule_set,
           summary=f"启用审单规则 v{rule_set.version}"
                   + (f"，停用 v{previous.version}" if previous else ""),
           data={"version": rule_set.version,
                 "retired": previous.version if previous else None, "at": now})
    return rule_set
