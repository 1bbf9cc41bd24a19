"""python manage.py partitions_ensure [--year YEAR ...]"""

from django.core.management.base import BaseCommand

from common.partitions import partitions_ensure


class Command(BaseCommand):
    help = ("Create the yearly partitions of attendance and the delivery ledger ahead (this year and the "
            "next unless years are given); running it again does nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", help="a year (repeatable)")

    def handle(self, *args, years, **options):
        created = partitions_ensure(years=years)
        self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(created)}") if created
                          else "Every partition was there already.")
