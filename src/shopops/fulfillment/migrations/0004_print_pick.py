from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0003_review")]
    operations = []
