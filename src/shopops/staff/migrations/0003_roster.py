from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_seed")]
    operations = []
