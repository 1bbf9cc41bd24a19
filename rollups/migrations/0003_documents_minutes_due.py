"""Documents and minutes due: the denominators of the on-time rates ("not yet due" is no miss)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0002_attendance_unexcused_index"),
    ]

    operations = [
        migrations.AddField(model_name="cellmonth", name="documents_due",
                            field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="cellmonth", name="minutes_due",
                            field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="organizationmonth", name="documents_due",
                            field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="organizationmonth", name="minutes_due",
                            field=models.PositiveIntegerField(default=0)),
    ]
