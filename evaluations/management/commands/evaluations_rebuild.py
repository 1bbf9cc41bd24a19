"""python manage.py evaluations_rebuild [--years 2024 2025 | --years 2023-2026]: recompute the
evaluation figures (EvaluationYear) now. Without --years every year with evaluations."""

import time

from django.core.management.base import BaseCommand

from evaluations import figures
from rollups.management.commands.rollups_rebuild import _years


class Command(BaseCommand):
    help = "Recompute the evaluation figures of the given years (default: every year with evaluations)."

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", metavar="YEAR", help="years, or a range such as 2023-2026")

    def handle(self, *args, years=None, **options):
        chosen = _years(years) if years else figures.evaluation_years()
        started = time.monotonic()
        figures.rebuild(years=chosen)
        self.stdout.write(f"Evaluation figures of {chosen[0]}–{chosen[-1]} rebuilt in "
                          f"{time.monotonic() - started:.2f} s.")
