from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0005_stations")]
    operations = []
