"""python manage.py rollups_rebuild [--year 2026 ...]: recompute the roll-ups now (as the nightly task)."""

import time

from django.core.management.base import BaseCommand

from rollups import services


class Command(BaseCommand):
    help = "Recompute the monthly roll-ups of the given years (default: this year) and the adoption snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years")

    def handle(self, *args, years=None, **options):
        started = time.monotonic()
        services.rollups_rebuild(years=years)
        services.rollups_refresh_adoption()
        self.stdout.write(f"Roll-ups rebuilt in {time.monotonic() - started:.2f} s.")
