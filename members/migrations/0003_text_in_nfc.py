"""Text stored before input was normalised, in one Unicode form (NFC) like everything typed since.

A name typed in decomposed form (NFD: "Nguyễn" as "e" + two combining marks, as macOS and
some keyboards send it) reads the same but is not found by search: the generated
`search_name` column maps precomposed letters only. PostgreSQL (13 and later) normalises in
place, and the generated column follows. Only rows that change are written, in batches that
each commit on their own (a province's roster is not locked at once). The text reads the same
afterwards, so no history row is written per record: the audit would bury real changes under
a change of encoding. Going back leaves the text as it is (NFC is what the forms store).
"""

import contextlib

import pgtrigger
from django.db import migrations, transaction

BATCH = 1000

# table -> (text columns, pghistory update trigger or None)
TABLES = {
    "members_member": (("full_name", "ethnicity", "religion", "workplace"), "members.Member:update_update"),
    # An account's names are copied from the member's full name when the account is made.
    "members_user": (("first_name", "last_name"), None),
}


def _normalise_table(connection, table: str, columns: tuple[str, ...], batch: int) -> int:
    quote = connection.ops.quote_name
    changed = " OR ".join(f"{quote(c)} IS NOT NFC NORMALIZED" for c in columns)
    assignments = ", ".join(f"{quote(c)} = normalize(t.{quote(c)}, NFC)" for c in columns)
    sql = f"""
        WITH batch AS (
            SELECT id FROM {quote(table)} WHERE id > %s AND ({changed}) ORDER BY id LIMIT %s
        )
        UPDATE {quote(table)} t SET {assignments} FROM batch WHERE t.id = batch.id RETURNING t.id
    """
    last, total = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, [last, batch])
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return total
        last, total = max(ids), total + len(ids)


def text_to_nfc(apps, schema_editor, batch: int = BATCH) -> dict[str, int]:
    """Rewrite the stored text in NFC; how many rows of each table changed."""
    connection = schema_editor.connection
    counts = {}
    for table, (columns, trigger) in TABLES.items():
        with pgtrigger.ignore(trigger) if trigger else contextlib.nullcontext():
            counts[table] = _normalise_table(connection, table, columns, batch)
    return counts


class Migration(migrations.Migration):
    # Each batch commits on its own.
    atomic = False

    dependencies = [
        ("members", "0002_import_jobs_and_other_organization"),
    ]

    operations = [
        migrations.RunPython(text_to_nfc, migrations.RunPython.noop, elidable=True),
    ]
