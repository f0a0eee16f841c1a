from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0004_print_pick")]
    operations = []
