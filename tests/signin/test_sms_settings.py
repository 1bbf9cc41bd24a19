"""The SMS backend follows the mode: the terminal in DEBUG and the demo, the gateway in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_SECRET_KEY": "k" * 50, "HANDBOOK_DEMO": "0", "DJANGO_DEBUG": "0"}


def _backend(**env) -> str:
    merged = {k: v for k, v in {**os.environ, **PRODUCTION, **env}.items() if k != "HANDBOOK_SMS_BACKEND"}
    merged.pop("HANDBOOK_TESTING", None)
    merged["DJANGO_SETTINGS_MODULE"] = "handbook.settings"
    code = "from django.conf import settings; print(settings.HANDBOOK_SMS_BACKEND.rsplit('.', 1)[1])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=merged, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(("env", "backend"), [
    ({}, "EsmsGateway"),
    ({"HANDBOOK_DEMO": "1"}, "ConsoleSms"),
    ({"DJANGO_DEBUG": "1"}, "ConsoleSms"),
])
def test_the_sms_backend_follows_the_mode(env, backend):
    assert _backend(**env) == backend
