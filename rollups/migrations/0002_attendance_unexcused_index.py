"""A partial index on the roll call's absences without reason, for the roll-ups.

The nightly rebuild reads these rows (a few percent of the attendance) to count each
member's months of absence; without the index that is a second full pass over the table.
The index is on meetings' table but serves only this floor's reads, so it lives here.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0001_initial"),
        ("meetings", "0003_documents_minutes_discussion"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS rollups_attendance_unexcused_idx "
            "ON meetings_attendance (meeting_id, member_id) WHERE status = 'unexcused'",
            "DROP INDEX IF EXISTS rollups_attendance_unexcused_idx",
        ),
    ]
