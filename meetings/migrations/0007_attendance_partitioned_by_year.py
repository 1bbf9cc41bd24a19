"""Attendance partitioned by year (common.partitions), converted in place.

The rows move into a table partitioned by the new `year` column (the year of the meeting's
`period`): one partition for each year present, this year and the next, and a DEFAULT one.
Its primary key is (id, year) and the one-row-per-member constraint gains the year (a
meeting has one year, so the rule is the same). A trigger refuses a row whose year is not
its meeting's, and a meeting moved into another year takes its rows along.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

from common.partitions import convert_to_partitioned, convert_to_plain

_FOREIGN_KEYS = [
    "ALTER TABLE meetings_attendance ADD CONSTRAINT meetings_attendance_meeting_id_296f48af_fk_meetings_meeting_id "
    "FOREIGN KEY (meeting_id) REFERENCES meetings_meeting (id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE meetings_attendance ADD CONSTRAINT meetings_attendance_member_id_4b8f2006_fk_members_member_id "
    "FOREIGN KEY (member_id) REFERENCES members_member (id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE meetings_attendance ADD CONSTRAINT meetings_attendance_recorded_by_id_ae8e7e76_fk_members_user_id "
    "FOREIGN KEY (recorded_by_id) REFERENCES members_user (id) DEFERRABLE INITIALLY DEFERRED",
]
_INDEXES = [
    "CREATE INDEX attendance_member_idx ON meetings_attendance (member_id, status)",
    "CREATE INDEX meetings_attendance_meeting_id_296f48af ON meetings_attendance (meeting_id)",
    "CREATE INDEX meetings_attendance_member_id_4b8f2006 ON meetings_attendance (member_id)",
    "CREATE INDEX meetings_attendance_recorded_by_id_ae8e7e76 ON meetings_attendance (recorded_by_id)",
    # rollups migration 0002's index, which went with the old table.
    "CREATE INDEX rollups_attendance_unexcused_idx ON meetings_attendance (meeting_id, member_id) "
    "WHERE status = 'unexcused'",
]
_YEAR_OF_MEETING = "extract(year FROM m.period)::smallint"

_PARTITIONED = [
    "ALTER TABLE meetings_attendance ADD CONSTRAINT meetings_attendance_pkey PRIMARY KEY (id, year)",
    "ALTER TABLE meetings_attendance ADD CONSTRAINT attendance_one_per_member UNIQUE (meeting_id, member_id, year)",
    *_INDEXES,
    *_FOREIGN_KEYS,
    """
    CREATE FUNCTION meetings_attendance_year_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.year IS DISTINCT FROM (SELECT extract(year FROM period)::smallint
                                        FROM meetings_meeting WHERE id = NEW.meeting_id) THEN
            RAISE EXCEPTION 'attendance of meeting % in year %: not the meeting''s year', NEW.meeting_id, NEW.year
                USING ERRCODE = 'check_violation', CONSTRAINT = 'attendance_year_is_meeting_year';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER attendance_year_is_meeting_year BEFORE INSERT OR UPDATE OF year, meeting_id "
    "ON meetings_attendance FOR EACH ROW EXECUTE FUNCTION meetings_attendance_year_check()",
    """
    CREATE FUNCTION meetings_meeting_moves_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE meetings_attendance SET year = extract(year FROM NEW.period)::smallint
         WHERE meeting_id = NEW.id AND year <> extract(year FROM NEW.period);
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER meeting_moves_attendance_year AFTER UPDATE OF period ON meetings_meeting FOR EACH ROW "
    "WHEN (extract(year FROM OLD.period) <> extract(year FROM NEW.period)) "
    "EXECUTE FUNCTION meetings_meeting_moves_attendance()",
]
_PLAIN = [
    "DROP TRIGGER meeting_moves_attendance_year ON meetings_meeting",
    "DROP FUNCTION meetings_meeting_moves_attendance()",
    "DROP FUNCTION meetings_attendance_year_check()",
    "ALTER TABLE meetings_attendance ADD CONSTRAINT meetings_attendance_pkey PRIMARY KEY (id)",
    "ALTER TABLE meetings_attendance ADD CONSTRAINT attendance_one_per_member UNIQUE (meeting_id, member_id)",
    *_INDEXES,
    *_FOREIGN_KEYS,
]


def partition(apps, schema_editor):
    convert_to_partitioned(schema_editor, table="meetings_attendance", year_sql=_YEAR_OF_MEETING,
                           source="JOIN meetings_meeting m ON m.id = t.meeting_id", finish=_PARTITIONED)


def unpartition(apps, schema_editor):
    convert_to_plain(schema_editor, table="meetings_attendance", finish=_PLAIN)


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0006_freeze_summons_amendments_change_notices"),
        ("members", "0005_account_phone_and_access_codes"),
        ("rollups", "0002_attendance_unexcused_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='attendance',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='attendance',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='attendance',
            name='delete_delete',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='attendance',
                    name='attendance_one_per_member',
                ),
                migrations.AddField(
                    model_name='attendance',
                    name='year',
                    field=models.SmallIntegerField(default=None, editable=False, verbose_name='year'),
                    preserve_default=False,
                ),
                migrations.AddConstraint(
                    model_name='attendance',
                    constraint=models.UniqueConstraint(fields=('meeting', 'member', 'year'),
                                                       name='attendance_one_per_member'),
                ),
            ],
            database_operations=[migrations.RunPython(partition, unpartition)],
        ),
        migrations.AddField(
            model_name='attendanceevent',
            name='year',
            field=models.SmallIntegerField(default=0, editable=False, verbose_name='year'),
            preserve_default=False,
        ),
        migrations.RunSQL(
            f"UPDATE meetings_attendanceevent e SET year = {_YEAR_OF_MEETING} "
            "FROM meetings_meeting m WHERE m.id = e.meeting_id",
            migrations.RunSQL.noop,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='attendance',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "meetings_attendanceevent" ("basis", "id", "meeting_id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "recorded_at", "recorded_by_id", "status", "was_official", "year") VALUES (NEW."basis", NEW."id", NEW."meeting_id", NEW."member_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason", NEW."recorded_at", NEW."recorded_by_id", NEW."status", NEW."was_official", NEW."year"); RETURN NULL;', hash='0d4bb65edde2f569804075d5188d9054b5ffc6fe', operation='INSERT', pgid='pgtrigger_insert_insert_f595f', table='meetings_attendance', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='attendance',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "meetings_attendanceevent" ("basis", "id", "meeting_id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "recorded_at", "recorded_by_id", "status", "was_official", "year") VALUES (NEW."basis", NEW."id", NEW."meeting_id", NEW."member_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason", NEW."recorded_at", NEW."recorded_by_id", NEW."status", NEW."was_official", NEW."year"); RETURN NULL;', hash='3df6cfd1f955e04067e0c2c074bec821cf9f08fd', operation='UPDATE', pgid='pgtrigger_update_update_870cb', table='meetings_attendance', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='attendance',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "meetings_attendanceevent" ("basis", "id", "meeting_id", "member_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "recorded_at", "recorded_by_id", "status", "was_official", "year") VALUES (OLD."basis", OLD."id", OLD."meeting_id", OLD."member_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."reason", OLD."recorded_at", OLD."recorded_by_id", OLD."status", OLD."was_official", OLD."year"); RETURN NULL;', hash='5cdf40cb379a823e088f29f7652016ffb8e473c7', operation='DELETE', pgid='pgtrigger_delete_delete_774f3', table='meetings_attendance', when='AFTER')),
        ),
    ]
