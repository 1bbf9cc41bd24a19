"""The Celery app. Periodic tasks are defined here and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab

from handbook.env import env_int, env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handbook.settings")

app = Celery("handbook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Scan-and-send: reminders and retries are found in the database every minute, so no task
# waits in the broker with a far-future ETA (which would outlive the visibility timeout).
SCAN_SECONDS = env_int("HANDBOOK_SCAN_SECONDS", 60, minimum=1)

# Scans, sweeps, fan-outs and change notices on a queue of their own (docker-compose runs a
# worker for it), so a backlog of email chunks never delays or expires them. Unset, they
# share the default queue (`make run`'s single worker).
SCAN_QUEUE = env_str("HANDBOOK_SCAN_QUEUE", "")
SCAN_TASKS = [
    "meetings.tasks.scan_reminders", "meetings.tasks.scan_nudges", "meetings.tasks.send_change_notice",
    "notifications.tasks.sweep", "notifications.tasks.fan_out",
]
if SCAN_QUEUE:
    app.conf.task_routes = {name: {"queue": SCAN_QUEUE} for name in SCAN_TASKS}

# django-celery-beat's DatabaseScheduler copies this into its tables at start; exactly one
# beat process runs (make run, docker-compose's `beat` service). A scan that waited longer
# than its period is dropped (`expires`): the next one does the same work.
app.conf.beat_schedule = {
    "meeting-reminders": {
        "task": "meetings.tasks.scan_reminders", "schedule": SCAN_SECONDS, "options": {"expires": SCAN_SECONDS},
    },
    "secretary-nudges": {
        "task": "meetings.tasks.scan_nudges", "schedule": crontab(minute="*/5"), "options": {"expires": 300},
    },
    "delivery-sweep": {
        "task": "notifications.tasks.sweep", "schedule": SCAN_SECONDS, "options": {"expires": SCAN_SECONDS},
    },
    # The Zalo OA access token lasts about a day: renewed when under an hour is left.
    "zalo-token-renew": {"task": "notifications.tasks.renew_zalo_token", "schedule": crontab(minute="*/30"),
                         "options": {"expires": 1800}},
    # Keep every regular series scheduled 12 months ahead (meetings.tasks.extend_series).
    "series-extend-monthly": {"task": "meetings.tasks.extend_series", "schedule": crontab(day_of_month=1, hour=2, minute=0)},
    # Forget member-import uploads left unconfirmed or failed (they hold personal data).
    "member-imports-cleanup": {"task": "members.tasks.forget_stale_member_imports", "schedule": crontab(hour=3, minute=15)},
    # Start again the exports whose task was lost (broker down, worker killed).
    "export-jobs-resume": {"task": "reports.export_jobs_resume", "schedule": crontab(minute="*/5"), "options": {"expires": 300}},
    # Recompute this year's roll-ups from the source and snapshot adoption (rollups.tasks).
    "rollups-rebuild-nightly": {"task": "rollups.rebuild", "schedule": crontab(hour=1, minute=30)},
    # Adoption (sign-ins, notices opened) moves during the day: a snapshot every 10 minutes
    # (under a second at province scale, bench/rollups.py).
    "rollups-adoption": {"task": "rollups.refresh_adoption", "schedule": crontab(minute="*/10"),
                         "options": {"expires": 600}},
    # The yearly evaluation: nudges for self-assessments due and late decisions (once each,
    # through the ledger), and this year's figures recomputed at night (evaluations.tasks).
    "evaluation-nudges": {"task": "evaluations.scan_nudges", "schedule": crontab(minute=20),
                          "options": {"expires": 3600}},
    "evaluations-rebuild-nightly": {"task": "evaluations.rebuild", "schedule": crontab(hour=1, minute=50)},
    # Organisations that have not sent their summary on a draft, some days before it closes
    # (consultations.notices; one key per organisation and stage, so reruns send nothing twice).
    "consultation-nudges": {"task": "consultations.tasks.scan_nudges", "schedule": crontab(minute=5),
                            "options": {"expires": 3600}},
    # Overdue petitions nudge their holding committee once a day (the key is per petition and day;
    # hourly, so a missed run catches up from the nudge hour on).
    "petitions-overdue": {"task": "petitions.tasks.scan_overdue", "schedule": crontab(minute=5),
                          "options": {"expires": 3600}},
    # Next year's partitions of attendance and the delivery ledger, made ahead (common.partitions).
    "partitions-ensure": {"task": "common.partitions_ensure", "schedule": crontab(hour=0, minute=40)},
}
