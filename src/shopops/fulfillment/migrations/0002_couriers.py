"""The couriers a Chinese seller usually ships with; an administrator edits the list."""

from django.db import migrations

COURIERS = [
    ("zto", "中通快递", "76x130", "ZT"),
    ("yto", "圆通速递", "76x130", "YT"),
    ("yunda", "韵达快递", "76x130", "YD"),
    ("sto", "申通快递", "76x130", "ST"),
    ("sf", "顺丰速运", "100x180", "SF"),
    ("jd", "京东物流", "100x180", "JD"),
    ("ems", "EMS", "100x180", "EM"),
]


def seed(apps, schema_editor):
    Courier = apps.get_model("fulfillment", "Courier")
    for order, (code, name, size, prefix) in enumerate(COURIERS):
        Courier.objects.get_or_create(code=code, defaults={
            "name": name, "waybill_size": size, "tracking_prefix": prefix,
            "sort_order": order, "adapter": "file"})


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
