"""python manage.py partition_detach --year YEAR"""

from django.core.management.base import BaseCommand, CommandError

from common.partitions import NotAttached, partition_detach


class Command(BaseCommand):
    help = ("Detach one year's partitions from attendance and the delivery ledger. Their rows stay in plain "
            "tables (<table>_y<year>): archive them with pg_dump -t and DROP them.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        try:
            detached = partition_detach(year=year)
        except NotAttached:
            raise CommandError(f"No partition of {year} is attached.") from None
        self.stdout.write(self.style.SUCCESS(f"Detached: {', '.join(detached)}"))
        self.stdout.write(f"Archive them (pg_dump -t '{detached[0]}' ...), then DROP TABLE each.")
