"""python manage.py rollups_rebuild [--years 2025 2026 | --years 2020-2026]: recompute the roll-ups now.

Without --years every year with meetings is rebuilt (the nightly task does only the current one).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from rollups import services


def _years(tokens: list[str]) -> list[int]:
    """"2025", "2026" or a range "2020-2026" (both ends included)."""
    years: set[int] = set()
    for token in tokens:
        first, _, last = token.partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError:
            raise CommandError(f"Not a year or a range of years: {token}") from None
        if not 2000 <= start <= end <= 2100:
            raise CommandError(f"Not a year or a range of years: {token}")
        years.update(range(start, end + 1))
    return sorted(years)


class Command(BaseCommand):
    help = ("Recompute the monthly roll-ups of the given years (default: every year with meetings) "
            "and the adoption snapshot.")

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", metavar="YEAR", help="years, or a range such as 2020-2026")

    def handle(self, *args, years=None, **options):
        chosen = _years(years) if years else services.years_with_meetings()
        started = time.monotonic()
        services.rollups_rebuild(years=chosen)
        services.rollups_refresh_adoption()
        self.stdout.write(f"Roll-ups of {chosen[0]}–{chosen[-1]} rebuilt in {time.monotonic() - started:.2f} s.")
