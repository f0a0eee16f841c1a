"""What every benchmark here needs to work in a PostgreSQL database of its own."""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def bench_url(db_name):
    """(URL of the bench database `db_name`, URL of the server's `postgres` database for
    dropping and creating it) on the server and user of DATABASE_URL, or
    postgres://postgres@127.0.0.1:5432 when it is unset. Never the database it names."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/x")
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"bench/{Path(sys.argv[0]).name} needs PostgreSQL (DATABASE_URL=postgres://…)")
    return (urlunsplit(parts._replace(path=f"/{db_name}")),
            urlunsplit(parts._replace(path="/postgres")))


def django_setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SHOPOPS_HOME", tempfile.mkdtemp(prefix="shopops-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    import django

    django.setup()
