from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0002_couriers")]
    operations = []
