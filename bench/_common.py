"""Helpers more than one benchmark needs: a database of its own, the reminder moment, a clean ledger.

Functions that touch Django import it inside, so a script may import this module before
`django.setup()`.
"""

import datetime as dt


def database_create(url: str) -> None:
    """Create the database named by the PostgreSQL URL if it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def notifications_prepare() -> None:
    """Every member gets an email address (the demo data has none), earlier runs' ledger and
    inbox are emptied, and the tables analysed as autovacuum would have after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET email = 'dv' || id || '@bench.invalid' WHERE email = ''")
        cursor.execute("UPDATE members_user SET email = '' WHERE email LIKE '%%@bench.invalid'")
        cursor.execute("TRUNCATE notifications_deliveryattempt, notifications_notification, notifications_delivery, "
                       "notifications_dispatch, notifications_badaddress, notifications_channelpreference")
        cursor.execute("ANALYZE")


def reminder_moment() -> dt.datetime:
    """When the 3-day reminders of the next day of regular meetings are all due, and the
    2-hour ones not yet: one reminder per summoned member of that day's meetings."""
    from django.db.models import Max, Min
    from django.utils import timezone

    from meetings.models import Meeting

    upcoming = Meeting.objects.filter(kind=Meeting.Kind.REGULAR, status__in=Meeting.OPEN_STATUSES,
                                      starts_at__gt=timezone.now() + dt.timedelta(days=3))
    first_day = upcoming.aggregate(day=Min("scheduled_date"))["day"]
    round_ = upcoming.filter(scheduled_date=first_day).aggregate(first=Min("starts_at"), last=Max("starts_at"))
    moment = round_["last"] - dt.timedelta(days=3) + dt.timedelta(minutes=1)
    assert moment < round_["first"] - dt.timedelta(hours=2), "the round's meetings are too far apart"
    return moment
