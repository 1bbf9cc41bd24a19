"""The ledger (deliveries and their attempts) partitioned by year (common.partitions),
converted in place.

A delivery's year is the local year its dispatch was created in: one subject key (a
dispatch's key is unique) always maps to one year, so the exactly-once constraint, which
must include the year, still allows one row per member and channel. An attempt takes its
delivery's year and points at it by (delivery_id, year). The inbox keeps its link to the
delivery without a database constraint (a partitioned table has no key on `id` alone).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.partitions import convert_to_partitioned, convert_to_plain

_DELIVERY_KEYS = [
    "CREATE INDEX delivery_lease_idx ON notifications_delivery (lease_until) WHERE status = 'sending'",
    "CREATE INDEX delivery_member_idx ON notifications_delivery (member_id, created_at DESC)",
    "CREATE INDEX delivery_pending_idx ON notifications_delivery (enqueued_at) WHERE status = 'pending'",
    "CREATE INDEX delivery_retry_idx ON notifications_delivery (next_attempt_at) WHERE status = 'failed'",
    "CREATE INDEX delivery_untold_idx ON notifications_delivery (dispatch_id, member_id) "
    "WHERE status IN ('failed', 'permanent_failure') AND told_at IS NULL",
    "CREATE INDEX notifications_delivery_dispatch_id_3796afa9 ON notifications_delivery (dispatch_id)",
    "CREATE INDEX notifications_delivery_member_id_944abeff ON notifications_delivery (member_id)",
    "ALTER TABLE notifications_delivery ADD CONSTRAINT notifications_delive_dispatch_id_3796afa9_fk_notificat "
    "FOREIGN KEY (dispatch_id) REFERENCES notifications_dispatch (id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE notifications_delivery ADD CONSTRAINT notifications_delivery_member_id_944abeff_fk_members_member_id "
    "FOREIGN KEY (member_id) REFERENCES members_member (id) DEFERRABLE INITIALLY DEFERRED",
]
_ATTEMPT_KEYS = [
    "CREATE INDEX attempt_delivery_idx ON notifications_deliveryattempt (delivery_id, number)",
    "CREATE INDEX notifications_deliveryattempt_delivery_id_3834a62a ON notifications_deliveryattempt (delivery_id)",
]


def partition(apps, schema_editor):
    convert_to_partitioned(
        schema_editor, table="notifications_delivery",
        year_sql=f"extract(year FROM d.created_at AT TIME ZONE '{settings.TIME_ZONE}')::smallint",
        source="JOIN notifications_dispatch d ON d.id = t.dispatch_id",
        finish=[
            "ALTER TABLE notifications_delivery ADD CONSTRAINT notifications_delivery_pkey PRIMARY KEY (id, year)",
            "ALTER TABLE notifications_delivery ADD CONSTRAINT delivery_once_per_member_channel "
            "UNIQUE (key, member_id, kind, channel, year)",
            *_DELIVERY_KEYS,
        ],
    )
    convert_to_partitioned(
        schema_editor, table="notifications_deliveryattempt", year_sql="d.year",
        source="JOIN notifications_delivery d ON d.id = t.delivery_id",
        finish=[
            "ALTER TABLE notifications_deliveryattempt ADD CONSTRAINT notifications_deliveryattempt_pkey "
            "PRIMARY KEY (id, year)",
            *_ATTEMPT_KEYS,
            "ALTER TABLE notifications_deliveryattempt ADD CONSTRAINT deliveryattempt_delivery_fk "
            "FOREIGN KEY (delivery_id, year) REFERENCES notifications_delivery (id, year) "
            "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
        ],
    )


def unpartition(apps, schema_editor):
    convert_to_plain(schema_editor, table="notifications_deliveryattempt", finish=[
        "ALTER TABLE notifications_deliveryattempt ADD CONSTRAINT notifications_deliveryattempt_pkey PRIMARY KEY (id)",
        *_ATTEMPT_KEYS,
    ])
    convert_to_plain(schema_editor, table="notifications_delivery", finish=[
        "ALTER TABLE notifications_delivery ADD CONSTRAINT notifications_delivery_pkey PRIMARY KEY (id)",
        "ALTER TABLE notifications_delivery ADD CONSTRAINT delivery_once_per_member_channel "
        "UNIQUE (key, member_id, kind, channel)",
        *_DELIVERY_KEYS,
    ])


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0005_account_phone_and_access_codes"),
        ("notifications", "0005_channel_credential"),
    ]

    operations = [
        migrations.AlterField(
            model_name='deliveryattempt',
            name='delivery',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='attempt_log', to='notifications.delivery'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='delivery',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True,
                                       on_delete=django.db.models.deletion.SET_NULL, related_name='notification',
                                       to='notifications.delivery'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='delivery',
                    name='delivery_once_per_member_channel',
                ),
                migrations.AddField(
                    model_name='delivery',
                    name='year',
                    field=models.SmallIntegerField(default=None, editable=False, verbose_name='year'),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name='deliveryattempt',
                    name='year',
                    field=models.SmallIntegerField(default=None, editable=False, verbose_name='year'),
                    preserve_default=False,
                ),
                migrations.AddConstraint(
                    model_name='delivery',
                    constraint=models.UniqueConstraint(fields=('key', 'member', 'kind', 'channel', 'year'),
                                                       name='delivery_once_per_member_channel'),
                ),
            ],
            database_operations=[migrations.RunPython(partition, unpartition)],
        ),
    ]
