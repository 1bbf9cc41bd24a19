"""Dashboards and exports read from the streaming replica; users who just wrote, writes,
migrations, and every read while the replica is down or behind go to the primary."""

import datetime as dt
import socket

import pytest
import time_machine
from django.apps import apps
from django.db import connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cells.models import Organization
from handbook.db_router import WROTE_COOKIE, replica_reads, replica_state
from reports import views as report_views
from reports.models import ExportJob
from tests.replica.conftest import needs_replica, wait_for

pytestmark = [needs_replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]

OLD_NAME = "Đảng bộ xã An Phú"
NEW_NAME = "Đảng bộ xã An Phú Mới"


def dashboard(client, org):
    return client.get(reverse("org_dashboard", kwargs={"org_id": org.public_id}))


def rename_on_the_primary_only(replica, org):
    """The commune gets a new name on the primary while the replica's replay stands still."""
    replica.pause()
    Organization.objects.filter(pk=org.pk).update(name=NEW_NAME)
    replica.received()


def test_a_dashboard_reads_from_the_replica(cast, replica, login):
    client = login(cast.committee)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = dashboard(client, cast.tree.commune_a)
    assert response.status_code == 200
    assert any("cells_organization" in q["sql"] for q in on_replica.captured_queries)


def test_ordinary_pages_never_read_from_the_replica(cast, replica, login):
    client = login(cast.member)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(reverse("home")).status_code == 200
    assert on_replica.captured_queries == []


def test_a_dashboard_shows_the_replicas_rows_but_a_user_who_just_wrote_reads_the_primary(cast, replica, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600  # behind, but within the limit
    commune = cast.tree.commune_a
    committee, orgcom = Client(), Client()
    committee.force_login(cast.committee.user)
    orgcom.force_login(cast.orgcom.user)
    replica.pause()
    # The province's organisation committee renames the commune through its page (a POST).
    response = orgcom.post(reverse("tree_rename", kwargs={"org_id": commune.public_id}),
                           {"name": NEW_NAME, "code": ""})
    assert response.status_code == 302
    assert WROTE_COOKIE in response.cookies
    replica.received()

    assert OLD_NAME in dashboard(committee, commune).content.decode(), "the replica, not yet replayed"
    assert NEW_NAME not in dashboard(committee, commune).content.decode()
    assert NEW_NAME in dashboard(orgcom, commune).content.decode(), "the writer reads the primary"

    replica.resume()
    replica.catch_up()
    assert NEW_NAME in dashboard(committee, commune).content.decode(), "replayed"


def test_the_writers_turn_on_the_primary_ends_after_the_set_time(cast, replica, client, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    client.force_login(cast.orgcom.user)
    replica.pause()
    client.post(reverse("tree_rename", kwargs={"org_id": cast.tree.commune_a.public_id}), {"name": NEW_NAME, "code": ""})
    replica.received()
    assert NEW_NAME in dashboard(client, cast.tree.commune_a).content.decode()
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=settings.DATABASE_REPLICA_AFTER_WRITE_SECONDS + 1)
    with time_machine.travel(later):
        assert OLD_NAME in dashboard(client, cast.tree.commune_a).content.decode(), "the replica again"


def test_a_forged_write_stamp_is_ignored(cast, replica, client, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    client.force_login(cast.orgcom.user)
    rename_on_the_primary_only(replica, cast.tree.commune_a)
    client.cookies[WROTE_COOKIE] = "1"  # not signed
    assert OLD_NAME in dashboard(client, cast.tree.commune_a).content.decode()


def test_a_replica_further_behind_than_the_limit_is_not_read(cast, replica, login, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    client = login(cast.committee)
    rename_on_the_primary_only(replica, cast.tree.commune_a)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        html = dashboard(client, cast.tree.commune_a).content.decode()
    assert NEW_NAME in html
    assert on_replica.captured_queries == [] or all("pg_is_in_recovery" in q["sql"]
                                                    for q in on_replica.captured_queries)


def test_a_replica_is_read_again_once_it_has_caught_up(cast, replica, login, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    client = login(cast.committee)
    rename_on_the_primary_only(replica, cast.tree.commune_a)
    with replica_reads():
        assert router.db_for_read(Organization) == "default"
    replica.resume()
    replica.catch_up()
    # Other databases of the cluster keep streaming: a limit of 0 would catch their last milliseconds.
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 60
    with replica_reads():
        assert router.db_for_read(Organization) == "replica"
    assert NEW_NAME in dashboard(client, cast.tree.commune_a).content.decode()


@pytest.fixture
def replica_down():
    """The replica alias points at a port where nothing listens, as if the server were gone."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    alias = connections["replica"]
    saved = alias.settings_dict["PORT"]
    alias.close()
    alias.settings_dict["PORT"] = port
    replica_state.forget()
    yield
    alias.close()
    alias.settings_dict["PORT"] = saved
    replica_state.forget()


def test_a_replica_that_is_down_is_not_read(cast, replica, replica_down, login):
    client = login(cast.committee)
    with replica_reads():
        assert router.db_for_read(Organization) == "default"
    response = dashboard(client, cast.tree.commune_a)
    assert response.status_code == 200
    assert OLD_NAME in response.content.decode()


def test_writes_inside_a_replica_scope_go_to_the_primary(cast, replica, login, monkeypatch):
    with replica_reads():
        assert router.db_for_read(Organization) == "replica"
        assert router.db_for_write(Organization) == "default"
        Organization.objects.filter(pk=cast.tree.a1.pk).update(code="A1")  # the replica would refuse it
    # A large export queues a job from a replica-scoped view; the worker builds it from the replica.
    monkeypatch.setattr(report_views, "SYNC_EXPORT_MAX_ROWS", 0)
    client = login(cast.committee)
    response = client.get(reverse("org_export", kwargs={"org_id": cast.tree.commune_a.public_id}) + "?format=csv")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).exists(),
             what="the export job")
    assert Organization.objects.get(pk=cast.tree.a1.pk).code == "A1"


def test_migrations_run_on_the_primary_only():
    for model in apps.get_models(include_auto_created=True):
        assert router.allow_migrate_model("default", model), model
        assert not router.allow_migrate_model("replica", model), model


def test_an_outsider_is_still_refused_the_dashboard(cast, replica, login):
    assert dashboard(login(cast.outsider), cast.tree.commune_a).status_code == 404
