"""Settings come from the environment, fail clearly, and are secure in production."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-test-secret-" + "z" * 30,
    "DJANGO_ALLOWED_HOSTS": "handbook.example.vn",
    "HANDBOOK_DEMO": "0",
    "DJANGO_DEBUG": "0",
    "HANDBOOK_TESTING": "",
}


def _manage(*args, env):
    merged = {k: v for k, v in {**os.environ, **env}.items() if v != ""}
    merged.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process only
    merged["DJANGO_SETTINGS_MODULE"] = "handbook.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=merged,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_web_server_refuses_to_start_without_a_secret_key_either():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG", "HANDBOOK_DEMO",
                                                            "HANDBOOK_TESTING", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "-c", "import handbook.wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_manage_py_on_a_developers_machine_runs_without_a_secret_key():
    result = _manage("check", env={"DJANGO_SECRET_KEY": "", "DJANGO_DEBUG": "", "HANDBOOK_DEMO": "",
                                   "HANDBOOK_TESTING": ""})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_is_reported_by_name():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_database_url_of_another_kind_is_refused():
    result = _manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL must start with" in result.stderr


def test_the_content_security_policy_forbids_inline_scripts(client, db):
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in header
    assert "unsafe-inline" not in header.split("script-src", 1)[1].split(";")[0]


def test_env_example_documents_every_setting_read_from_the_environment():
    names = set()
    for path in (ROOT / "handbook").glob("*.py"):
        names |= set(re.findall(r'env_(?:str|bool|int|list|url)\(\s*"([A-Z_]+)"', path.read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names - documented == set()


def test_docker_compose_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    web_env = services["web"]["environment"]
    for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        assert key in web_env, key


def test_every_gunicorn_command_loads_the_config_that_hides_the_server_banner():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    config = ["--config", "handbook/gunicorn_conf.py"]
    web = compose["services"]["web"]["command"]
    assert web[2:4] == config
    dockerfile_cmd = re.search(r"^CMD (.+)$", (ROOT / "Dockerfile").read_text(), re.M).group(1)
    assert '"--config", "handbook/gunicorn_conf.py"' in dockerfile_cmd
    assert '"--config", "handbook/gunicorn_conf.py"' in (ROOT / "handbook" / "devstack.py").read_text()


def test_the_compose_file_says_gunicorn_faces_the_clients_and_trusts_no_proxy_header():
    text = (ROOT / "docker-compose.yml").read_text()
    web = yaml.safe_load(text)["services"]["web"]
    assert web["ports"] == ["8000:8000"]
    assert web["environment"]["HANDBOOK_TRUSTED_PROXIES"] == "${HANDBOOK_TRUSTED_PROXIES:-0}"
    assert "gunicorn faces the clients directly" in text


def test_gunicorn_answers_with_a_neutral_server_name(monkeypatch):
    import runpy
    from types import SimpleNamespace

    import gunicorn.http.wsgi as wsgi

    for name in ("SERVER", "SERVER_SOFTWARE"):  # restored after the test
        monkeypatch.setattr(wsgi, name, getattr(wsgi, name))
    runpy.run_path(str(ROOT / "handbook" / "gunicorn_conf.py"))  # as gunicorn loads it
    response = wsgi.Response(SimpleNamespace(version=(1, 1), method="GET", should_close=lambda: True), None, None)
    response.status = "200 OK"
    head = "".join(response.default_headers())
    assert "Server: handbook\r\n" in head and "gunicorn" not in head.lower()
    assert "gunicorn" not in wsgi.SERVER_SOFTWARE
