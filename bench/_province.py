"""Shared set-up of the benchmarks: Django on the province-scale demo data."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handbook.settings")
    os.environ.setdefault("HANDBOOK_DEMO", "1")
    os.environ.setdefault("HANDBOOK_VAR_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()


def ensure_province(log=print) -> None:
    """Migrate, load `seed_demo --scale province` unless it is there, and vacuum-analyse."""
    from django.core.management import call_command
    from django.db import connection

    from cells.models import Organization

    call_command("migrate", verbosity=0)
    if Organization.objects.count() < 5000:
        log("Loading seed_demo --scale province (about half a minute)...")
        call_command("seed_demo", scale="province", reset=True, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after the bulk load


def database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    return f"PostgreSQL {connection.pg_version // 10000} at {settings.get('HOST') or 'embedded'}/{settings['NAME']}"
