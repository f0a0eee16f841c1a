from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0003_review")]
    operations = [
        migrations.AddConstraint(
            model_name="handover",
            constraint=models.UniqueConstraint(fields=["courier", "warehouse"],
                                               condition=Q(state="open"),
                                               name="one_open_handover_per_courier"),
        ),
        migrations.AlterField(
            model_name="parcel",
            name="state",
            field=models.CharField(choices=[("packed", "已打包"), ("check", "重量待核"),
                                            ("handed", "已交接"), ("shipped", "已发货"),
                                            ("stopped", "已拦截")],
                                   db_index=True, default="packed", max_length=10,
                                   verbose_name="状态"),
        ),
    ]
