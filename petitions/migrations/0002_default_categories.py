"""The categories of the issue (petition, recommendation, difficulty, unresolved issue) with the
days the receiving committee has to resolve them: data, changed in the admin's database, not code."""

from django.db import migrations

DEFAULTS = [
    # code, Vietnamese, English, days to resolve, position
    ("petition", "Kiến nghị", "Petition", 30, 1),
    ("recommendation", "Đề xuất", "Recommendation", 30, 2),
    ("difficulty", "Khó khăn, vướng mắc", "Difficulty", 15, 3),
    ("unresolved_issue", "Vấn đề tồn đọng", "Unresolved issue", 60, 4),
]


def create(apps, schema_editor):
    category = apps.get_model("petitions", "PetitionCategory")
    for code, name, name_en, due_days, position in DEFAULTS:
        category.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "due_days": due_days, "position": position})


def remove(apps, schema_editor):
    apps.get_model("petitions", "PetitionCategory").objects.filter(code__in=[row[0] for row in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
