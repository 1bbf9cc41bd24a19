"""The national evaluation form: 100 points, excellent from 90, good from 70, completed from
50, "excellent" at most 20 % of "good" (DOMAIN.md). Data, not constants: an organisation may
adopt its own form from a given year."""

from django.db import migrations

CRITERIA = [
    ("Phẩm chất chính trị, tư tưởng, đạo đức, lối sống", 20),
    ("Ý thức tổ chức kỷ luật, tác phong, lề lối làm việc", 20),
    ("Kết quả thực hiện chức trách, nhiệm vụ được giao", 40),
    ("Thực hiện nhiệm vụ đảng viên nơi cư trú, sinh hoạt chi bộ, đóng đảng phí", 20),
]


def create(apps, schema_editor):
    Scheme = apps.get_model("evaluations", "EvaluationScheme")
    Criterion = apps.get_model("evaluations", "SchemeCriterion")
    if Scheme.objects.filter(organization=None, effective_year=2018).exists():
        return
    scheme = Scheme.objects.create(
        organization=None, effective_year=2018, name="Tiêu chí đánh giá, xếp loại chất lượng (mẫu chung)",
        total_points=100, excellent_from=90, good_from=70, completed_from=50, excellent_quota_percent=20,
    )
    for order, (title, points) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(scheme=scheme, order=order, title=title, max_points=points)


def remove(apps, schema_editor):
    apps.get_model("evaluations", "EvaluationScheme").objects.filter(organization=None, effective_year=2018).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
