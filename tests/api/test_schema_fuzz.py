"""Schemathesis against /api/schema/: every operation, as a member and as a secretary (and the
committee's operations as a committee member), on seeded data. No response may be a 5xx and every response must match the schema (status, content type,
body). Runs in-process through WSGI, inside the test's transaction, deterministically."""

import datetime as dt
import itertools
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.services import token_issue
from handbook.wsgi import application
from meetings.services.schedule import meeting_schedule
from rollups.services import rollups_rebuild

# One test per operation (and role). The schema is fetched from the app itself.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection(db):
    # As Django's test client does: a request must not close the connection holding the
    # test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Path parameters that name seeded data; a generated id that is a well-formed UUID is swapped
# for one of these (so the operations do real work), a malformed one is sent as generated.
SEEDED = {"meeting_id", "cell_id", "document_id", "token_id", "organization_id"}


@pytest.fixture
def seeded(cast, meeting, settings):
    # Hundreds of calls in a few seconds: the limits are tested elsewhere (test_throttling.py).
    settings.HANDBOOK_API_THROTTLE_RATES = {name: "100000/m" for name in settings.HANDBOOK_API_THROTTLE_RATES}
    # Starts in half an hour: its roll call is open.
    rolling = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=30),
                               kind="extraordinary", title="Họp đột xuất")
    return {
        "meeting_id": itertools.cycle([str(meeting.meeting.public_id), str(rolling.public_id)]),
        "cell_id": itertools.cycle([str(cast.tree.a1.public_id), str(cast.tree.a2.public_id)]),
        "document_id": itertools.repeat(str(meeting.document.public_id)),
        "organization_id": itertools.cycle([str(cast.tree.commune_a.public_id), str(cast.tree.province.public_id)]),
        "member_ids": itertools.cycle([str(cast.member.public_id), str(cast.secretary.public_id)]),
        "tokens": {}, "spare": {},
    }


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# Reproducible: the same cases on every run, nothing remembered between runs.
FUZZ = hypothesis_settings(max_examples=5, derandomize=True, database=None, deadline=None,
                           suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_for_a_member(case, cast, seeded):
    _call_and_validate(case, cast, seeded, "member")


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_for_a_secretary(case, cast, seeded):
    _call_and_validate(case, cast, seeded, "secretary")


@pytest.fixture
def figures(seeded):
    rollups_rebuild(years=[timezone.localdate().year])
    return seeded


@schema.include(tag="Committee").parametrize()
@FUZZ
def test_the_committee_operations_keep_the_contract_for_a_committee_member(case, cast, figures):
    # Members and secretaries only ever get 404 here: the figures need a seat that opens them.
    _call_and_validate(case, cast, figures, "committee")


def _call_and_validate(case, cast, seeded, role):
    user = getattr(cast, role).user
    if role not in seeded["tokens"]:
        seeded["tokens"][role] = token_issue(user=user, name="schemathesis")[1]
        seeded["spare"][role] = str(token_issue(user=user, name="spare")[0].public_id)
    for name in SEEDED & set(case.path_parameters or {}):
        if _is_uuid(case.path_parameters[name]):
            case.path_parameters[name] = seeded["spare"][role] if name == "token_id" else next(seeded[name])
    if case.operation.path.endswith("/roll-call/") and isinstance(case.body, dict):
        # Name members of the cell, so that some roll calls are recorded (and sent twice).
        for entry in case.body.get("entries") or []:
            if isinstance(entry, dict) and _is_uuid(entry.get("member_id")):
                entry["member_id"] = next(seeded["member_ids"])
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {seeded['tokens'][role]}"},
        # Rules of the work (one regular meeting a month, no roll call before the meeting...)
        # refuse some well-formed requests with a 400, which JSON Schema cannot express.
        excluded_checks=[positive_data_acceptance],
    )
    if case.operation.path == "/api/v1/auth/sign-out/" and response.status_code == 204:
        seeded["tokens"][role] = token_issue(user=user, name="schemathesis")[1]
