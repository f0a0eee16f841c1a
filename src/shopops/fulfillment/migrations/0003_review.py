"""Rule set v1 of the automatic review (FUL-1), active from the start: a literal copy of
fulfillment.rules.DEFAULT_RULES as it was written (migrations do not import app code)."""

from django.db import migrations
from django.utils import timezone

RULES_V1 = [
    {
        "code": "address_complete",
        "enabled": True,
        "params": {
            "min_detail_chars": 5
        }
    },
    {
        "code": "region",
        "enabled": True,
        "params": {
            "provinces": [
                "香港特别行政区",
                "澳门特别行政区",
                "台湾省"
            ],
            "cities": []
        }
    },
    {
        "code": "remark_keywords",
        "enabled": True,
        "params": {
            "keywords": [
                "改地址",
                "修改地址",
                "换货",
                "退款",
                "取消",
                "不要了",
                "暂缓发货",
                "延迟发货",
                "到付",
                "催发",
                "加急"
            ]
        }
    },
    {
        "code": "amended",
        "enabled": True,
        "params": {}
    },
    {
        "code": "amount",
        "enabled": True,
        "params": {
            "max_paid_yuan": 5000
        }
    },
    {
        "code": "weight",
        "enabled": True,
        "params": {
            "max_weight_kg": 30
        }
    },
    {
        "code": "price_floor",
        "enabled": True,
        "params": {}
    },
    {
        "code": "split_by_stock",
        "enabled": True,
        "params": {}
    },
    {
        "code": "courier",
        "enabled": True,
        "params": {
            "default": "中通快递",
            "by_region": [],
            "heavy_kg": 20,
            "heavy_courier": "顺丰速运",
            "customer_keywords": {
                "顺丰": "顺丰速运",
                "京东": "京东物流",
                "EMS": "EMS",
                "邮政": "EMS"
            }
        }
    },
    {
        "code": "merge",
        "enabled": True,
        "params": {}
    }
]


def seed(apps, schema_editor):
    ReviewRuleSet = apps.get_model("fulfillment", "ReviewRuleSet")
    if ReviewRuleSet.objects.exists():
        return
    now = timezone.now()
    ReviewRuleSet.objects.create(
        version=1, name="默认审单规则", rules=RULES_V1, state="active", created_at=now,
        activated_at=now, note="系统初始规则：地址、地区、留言关键词、修改、金额、重量、成本价、缺货拆单、"
                               "快递选择、合并发货")


def unseed(apps, schema_editor):
    apps.get_model("fulfillment", "ReviewRuleSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0002_couriers")]
    operations = [migrations.RunPython(seed, unseed)]
