from io import StringIO

from django.core.management import call_command


def test_ops3_models_and_migrations_agree(db):
    """OPS-3: every model change ships as a migration, so history stays usable on upgrade."""
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()
