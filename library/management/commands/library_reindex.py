"""Put every existing document of every registered source in the library again (idempotent)."""

from django.core.management.base import BaseCommand

from library import sources


class Command(BaseCommand):
    help = "Index every meeting document, resolution and other registered source in the document library."

    def handle(self, *args, **options):
        for name, reindex in sources.registered().items():
            self.stdout.write(f"{name}: {reindex()} documents written")
