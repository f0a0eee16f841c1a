"""Reference data the line cannot work without: the couriers and rule set v1 of the
automatic review. The data migrations (0002, 0003) put them in a new database; this puts
them back after a flush (tests that empty every table, `shopops manage flush`), through
post_migrate, which flush also sends. It only fills what is empty: an administrator's own
couriers and rule sets are never touched."""

from django.db import transaction

COURIERS = [
    ("zto", "中通快递", "76x130", "ZT"),
    ("yto", "圆通速递", "76x130", "YT"),
    ("yunda", "韵达快递", "76x130", "YD"),
    ("sto", "申通快递", "76x130", "ST"),
    ("sf", "顺丰速运", "100x180", "SF"),
    ("jd", "京东物流", "100x180", "JD"),
    ("ems", "EMS", "100x180", "EM"),
]


def ensure_seed(**_kwargs):
    from .models import Courier, ReviewRuleSet
    from .rules import DEFAULT_RULES

    with transaction.atomic():
        if not Courier.objects.exists():
            Courier.objects.bulk_create([
                Courier(code=code, name=name, waybill_size=size, tracking_prefix=prefix,
                        sort_order=n, adapter="file")
                for n, (code, name, size, prefix) in enumerate(COURIERS)])
        if not ReviewRuleSet.objects.exists():
            from django.utils import timezone

            now = timezone.now()
            ReviewRuleSet.objects.create(
                version=1, name="默认审单规则", rules=DEFAULT_RULES,
                state=ReviewRuleSet.State.ACTIVE, created_at=now, activated_at=now,
                note="系统初始规则：地址、地区、留言关键词、修改、金额、重量、成本价、缺货拆单、快递选择、合并发货")
