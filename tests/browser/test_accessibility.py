"""axe-core (pinned through axe-playwright-python) finds no serious or critical violation on any
page, for every standing role, on a phone (360 px) and a desktop (1280 px); and no page is wider
than a phone's screen (a wide table scrolls inside its own labelled, focusable box)."""

import datetime as dt
import importlib

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import reverse
from django.utils import timezone

from admissions.services import candidate_register
from common.months import add_months, add_years
from conduct.rules import badge_occasion
from conduct.services import commendation_record
from consultations.services import consultation_publish
from evaluations.services import round_open
from library.services import entry_put
from meetings.services.schedule import meeting_schedule
from members.models import Member
from petitions.services import petition_raise
from rollups import services as rollups
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.petitions.conftest import ensure_categories
from tests.reports.conftest import hold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 800), "phone": (360, 740)}  # the last one stays for the checks after axe
SERIOUS = ("serious", "critical")
SCREENSHOTS = {"roster", "monthly-report", "admissions", "conduct", "badges"}  # at 360 px, in test-artifacts/


def _migrations_data() -> None:
    """Rows the migrations add (a transactional test run before this one flushes them)."""
    from django.apps import apps

    importlib.import_module("evaluations.migrations.0002_national_scheme").create(apps, None)
    importlib.import_module("fees.migrations.0002_default_rates").add_rates(apps, None)
    ensure_categories()


def _records(cast):
    """A little of everything, so the pages show their tables and lists rather than empty states."""
    t = cast.tree
    _migrations_data()
    veteran = f.member(t.a1, admitted=add_years(badge_occasion(timezone.localdate()).date, -30))  # a badge due
    people = [cast.secretary, cast.member, veteran, *(f.member(t.a1) for _ in range(2))]
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    held = hold(t.a1, last_month.replace(day=5), {p: "unexcused" if p == cast.member else "present" for p in people})
    hold(t.a2, last_month.replace(day=5), dict.fromkeys([cast.committee, cast.orgcom], "present"))
    rollups.rollups_rebuild(years=sorted({last_month.year, timezone.localdate().year}))
    upcoming = meeting_schedule(cell=t.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông")
    candidate = candidate_register(cell=t.a1, registered_on=last_month, actor=cast.secretary.user,
                                   full_name="Nguyễn Thị Mai", date_of_birth=dt.date(1998, 4, 10),
                                   gender=Member.Gender.FEMALE)
    commendation = commendation_record(member=cast.member, kind="certificate_of_merit", decision_number="12-QĐ/ĐU",
                                       decision_date=last_month, issuing_body="Ban Thường vụ Đảng ủy xã",
                                       reason="Hoàn thành xuất sắc nhiệm vụ")
    petition = petition_raise(sender=t.a1, category=ensure_categories()["petition"], actor=cast.secretary.user,
                              title="Đề nghị nâng cấp đường liên thôn", text="Đường xuống cấp, mùa mưa ngập lầy.")
    consultation = consultation_publish(
        publisher=t.commune_a, actor=cast.committee.user, title="Dự thảo Nghị quyết Đại hội Đảng bộ xã",
        issuing_body="Ban Chấp hành Đảng bộ xã", closing_on=timezone.localdate() + dt.timedelta(days=10),
        summary="Xin ý kiến về phương hướng phát triển kinh tế - xã hội.")
    entry_put(source_key="a11y:1", organization=t.commune_a, kind="directive", title="Chỉ thị về phát triển đảng viên",
              issued_by="Ban Thường vụ", issued_on=last_month, text="Tăng cường bồi dưỡng quần chúng ưu tú.")
    year = timezone.localdate().year - 1
    round_open(organization=t.commune_a, year=year, deadline=dt.date(year, 12, 20), actor=cast.committee.user)
    evaluation = cast.member.evaluations.get(year=year)
    return held, upcoming, candidate, commendation, petition, consultation, evaluation


def _pages(cast, records) -> dict[str, dict[str, str]]:
    """Each role's pages (name: path): every app's main pages, as that role sees them."""
    held, upcoming, candidate, commendation, petition, consultation, evaluation = records
    t = cast.tree
    a1, commune = t.a1.public_id, t.commune_a.public_id
    me = cast.member.public_id
    return {
        None: {
            "sign-in": reverse("account_login"), "sign-in-code": reverse("access_code_sign_in"),
            "password-reset": reverse("account_reset_password"), "offline": reverse("offline"),
            "not-found": "/no-such-page/",
        },
        "member": {
            "home": "/", "meeting": reverse("meeting_detail", args=[upcoming.public_id]),
            "held-meeting": reverse("meeting_detail", args=[held.public_id]),
            "inbox": reverse("inbox"), "settings": reverse("settings_index"),
            "notification-settings": reverse("notification_settings"),
            "calendar-settings": reverse("calendar_settings"), "my-record": reverse("my_record"),
            "my-fees": reverse("fees_mine"), "my-evaluation": reverse("evaluation_mine"),
            "library": reverse("library"), "bookmarks": reverse("library_bookmarks"),
            "consultations": reverse("consultation_list"),
            "consultation": reverse("consultation_detail", args=[consultation.public_id]),
            "self-assessment": reverse("evaluation_self", args=[evaluation.public_id]),
            "out-of-scope": reverse("roster", args=[a1]), "refused": reverse("admin:login"),
        },
        "secretary": {
            "cell": reverse("cell_home", args=[a1]), "cell-meetings": reverse("cell_meetings", args=[a1]),
            "meeting-new": reverse("meeting_new", args=[a1]),
            "meeting-edit": reverse("meeting_edit", args=[upcoming.public_id]), "series": reverse("meeting_series", args=[a1]),
            "roll-call": reverse("roll_call", args=[held.public_id]),
            "minutes": reverse("minutes_edit", args=[held.public_id]),
            "roster": reverse("roster", args=[a1]), "member-record": reverse("member_detail", args=[me]),
            "member-new": reverse("member_new", args=[a1]), "member-edit": reverse("member_edit", args=[me]), "member-import": reverse("member_import", args=[a1]),
            "candidates": reverse("admissions_candidates", args=[a1]),
            "candidate-new": reverse("admissions_candidate_new", args=[a1]),
            "candidate": reverse("admissions_candidate", args=[candidate.public_id]),
            "probation": reverse("admissions_probation", args=[a1]),
            "conduct": reverse("conduct_cell", args=[a1]), "commendation-new": reverse("commendation_new", args=[a1]),
            "commendation": reverse("commendation_detail", args=[commendation.public_id]),
            "fees": reverse("fees_sheet", args=[a1]), "fee-basis": reverse("fee_basis", args=[a1, me]), "fees-year": reverse("fees_ledger", args=[a1]),
            "evaluations": reverse("evaluation_cell", args=[a1, evaluation.year]),
            "petitions": reverse("petitions_home"), "petitions-sent": reverse("petitions_sent", args=[a1]),
            "petition-new": reverse("petition_new", args=[a1]),
            "petition": reverse("petition_detail", args=[petition.public_id]),
                    },
        "committee": {
            "cell-report": reverse("cell_report", args=[a1]),
            "reports": reverse("dashboard"), "dashboard": reverse("org_dashboard", args=[commune]),
            "monthly-report": reverse("monthly_report", args=[commune]),
            "admissions": reverse("admissions_committee", args=[commune]),
            "conduct": reverse("conduct_committee", args=[commune]),
            "badges": reverse("badges_committee", args=[commune]),
            "fees": reverse("fees_committee", args=[commune]),
            "evaluations": reverse("evaluation_org", args=[commune]),
            "petitions": reverse("petitions_committee", args=[commune]),
            "petition": reverse("petition_detail", args=[petition.public_id]),
            "consultation": reverse("consultation_detail", args=[consultation.public_id]),
            "consultation-new": reverse("consultation_new", args=[commune]),
            "library-upload": reverse("library_upload", args=[commune]),
            "tree": reverse("tree_home"), "tree-unit": reverse("tree_org", args=[commune]),
        },
        "orgcom": {
            "reports": reverse("dashboard"), "tree": reverse("tree_home"),
            "tree-unit": reverse("tree_org", args=[t.province.public_id]),
            "tree-history": reverse("tree_history", args=[t.province.public_id]),
            "admissions-plan": reverse("admissions_plan", args=[commune]),
            "tree-settings": reverse("tree_settings", args=[t.commune_a.public_id]),
            "tree-seats": reverse("tree_seats", args=[t.commune_a.public_id]),
        },
        "admin": {"deliveries": reverse("delivery_operator"), "api-tokens": reverse("api_tokens")},
    }


def _violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)  # through the DevTools protocol: the site's CSP forbids inline scripts
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:5]}: {v['help']}"
            for v in results["violations"] if v["impact"] in SERIOUS]


def _page_scrolls_sideways(page) -> bool:
    """A wide table scrolls inside its box, never the page."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_no_page_has_a_serious_accessibility_violation(browser, live_server, cast):
    pages = _pages(cast, _records(cast))
    found = []
    for role, paths in pages.items():
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        if role:
            sign_in(page, role)
        for name, path in paths.items():
            response = page.goto(live_server.url + path)
            where = f"{role or 'anonymous'} {name}"
            expected = {"not-found": 404, "out-of-scope": 404, "refused": 403}.get(name, 200)
            if response.status != expected:
                found.append(f"{where} {path}: HTTP {response.status}")
                continue
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                found += [f"{where} {size}: {v}" for v in _violations(page)]
            if _page_scrolls_sideways(page):  # now at phone width
                found.append(f"{where} phone: the page is wider than the screen")
            if name in SCREENSHOTS:
                page.viewport_name = f"{role}-phone"
                screenshot(page, f"a11y-{name}")
        context.close()
    assert not found, "\n".join(found)
