from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0005_stations")]
    operations = [
        migrations.AddIndex(
            model_name="parcel",
            index=models.Index(fields=["state", "-shipped_at"], name="parcel_state_shipped_idx"),
        ),
    ]
