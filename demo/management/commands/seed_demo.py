"""python manage.py seed_demo --scale {commune,district,province} [--seed N] [--reset | --if-empty]"""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.seeding import DEMO_USERS, SCALES, Seeder, demo_loaded, reset_all

DEFAULT_PASSWORD = "SoTay-2026"


class Command(BaseCommand):
    help = "Load a realistic, deterministic demo organisation (Vietnamese names, a year of meetings)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="commune")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true", help="empty the handbook's tables first")
        group.add_argument("--if-empty", action="store_true", help="do nothing if demo data is already loaded")

    def handle(self, *args, scale, seed, password, reset, if_empty, **options):
        if demo_loaded():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._print_logins(password)
                return
            if not reset:
                raise CommandError("Demo data is already loaded: add --reset to replace it.")
        if reset:
            reset_all()
        started = time.monotonic()
        result = Seeder(scale=scale, seed=seed, password=password).run()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Loaded scale={scale} seed={seed} in {elapsed:.1f} s: {result.organizations} organisations, "
            f"{result.cells} cells, {result.members} members, {result.accounts} accounts, "
            f"{result.meetings} meetings, {result.attendances} attendance rows, {result.minutes} minutes, "
            f"{result.documents} documents."
        ))
        self.stdout.write(f"Demo commune: {result.demo_commune}; demo cell: {result.demo_cell}")
        self._print_logins(password)

    def _print_logins(self, password):
        self.stdout.write(f"Demo accounts ({', '.join(DEMO_USERS)}), password: {password}")
