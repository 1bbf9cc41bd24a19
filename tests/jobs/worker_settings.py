"""Settings of the Celery worker the delivery tests start as a real process.

The real settings (read from the environment the test passes), plus the probe kind, a
queue of the test's own and, on Redis, unacknowledged messages restored within seconds
of the (short) visibility timeout instead of up to 100 s later; on the folder broker, a
short polling interval.
"""

import os

from handbook.env import env_int
from handbook.settings import *  # noqa: F403
from handbook.settings import CELERY_BROKER_TRANSPORT_OPTIONS, INSTALLED_APPS, REDIS_URL, VAR_DIR

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.probe"]
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("HANDBOOK_TEST_QUEUE", "celery")
# No remote control: nothing is written to a control/ folder in the working directory.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
# A slow mailbox in a test is slow in seconds, not tens of seconds.
EMAIL_TIMEOUT = env_int("HANDBOOK_TEST_EMAIL_TIMEOUT", 10, minimum=1)
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
    }
else:
    # The folder broker polls; at its default (1 s) a worker idles up to a second per task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS, "control_folder": str(VAR_DIR / "broker" / "control"),
        "polling_interval": 0.05,
    }
