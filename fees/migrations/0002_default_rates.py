"""The rates of DOMAIN.md as data (Quy định 342-QĐ/TW, in force since 1 January 2011):
1 % of the insured salary, 0.5 % of the pension, 5,000 đ a month for students. A later
rate is a new row with its own date, never an edit of these."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

RATES = [
    ("salary", Decimal("1.000"), None),
    ("pension", Decimal("0.500"), None),
    ("student", None, 5000),
]


def add_rates(apps, schema_editor):
    FeeRate = apps.get_model("fees", "FeeRate")
    for kind, percent, fixed in RATES:
        FeeRate.objects.get_or_create(kind=kind, effective_from=dt.date(2011, 1, 1),
                                      defaults={"percent": percent, "fixed_amount": fixed})


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
