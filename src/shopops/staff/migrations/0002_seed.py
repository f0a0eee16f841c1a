from django.db import migrations


def seed(apps, schema_editor):
    from shopops.staff.seed import OFFENCES, SHIFTS

    Shift = apps.get_model("staff", "Shift")
    Offence = apps.get_model("staff", "Offence")
    if not Shift.objects.exists():
        Shift.objects.bulk_create([
            Shift(code=c, name=n, start=s, end=e, break_minutes=b, posts=p, sort_order=i)
            for i, (c, n, s, e, b, p) in enumerate(SHIFTS)])
    if not Offence.objects.exists():
        Offence.objects.bulk_create([
            Offence(code=c, name=n, amount_fen=y * 100, sort_order=i)
            for i, (c, n, y) in enumerate(OFFENCES)])


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
