"""Settings for the test suite: the real stack (PostgreSQL, Redis when set), faster hashing."""

import os

os.environ.setdefault("HANDBOOK_TESTING", "1")

from handbook.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
HANDBOOK_REQUIRE_OFFICER_MFA = False
# Unit tests run tasks in-process; tests about delivery start a real worker and turn this off.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_RATE_LIMITS = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
