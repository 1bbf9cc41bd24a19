#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handbook.settings")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        # Production always sets a secret key; a checkout without one is a developer's
        # machine, where commands run with DEBUG (and the embedded PostgreSQL when no
        # DATABASE_URL is set) instead of refusing to start.
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
