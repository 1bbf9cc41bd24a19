"""Print a new VAPID key pair for web push, as lines for .env."""

from django.core.management.base import BaseCommand

from notifications.vapid import new_key_pair


class Command(BaseCommand):
    help = "Print a new VAPID key pair (web push) as HANDBOOK_VAPID_* lines for .env."

    def handle(self, *args, **options):
        public, private = new_key_pair()
        self.stdout.write(f"HANDBOOK_VAPID_PUBLIC_KEY={public}\nHANDBOOK_VAPID_PRIVATE_KEY={private}")
        self.stderr.write("Keep the private key secret; changing the pair ends every browser's subscription.")
