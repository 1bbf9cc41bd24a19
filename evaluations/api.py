"""The member's own evaluations in the API for the mobile app: read them, send the
self-assessment. The same selectors and services as the pages (out of scope is a 404).
Wired under /api/v1/ by the api app (evaluations.api_urls)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.views.base import ApiView
from evaluations import rules, selectors, services
from evaluations.models import Level


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    max_points = serializers.IntegerField()
    points = serializers.IntegerField(allow_null=True, help_text="Points given at the self-assessment")


class AmendmentSerializer(serializers.Serializer):
    old_level = serializers.ChoiceField(choices=Level.choices)
    new_level = serializers.ChoiceField(choices=Level.choices)
    reason = serializers.CharField()
    amended_at = serializers.DateTimeField()


class FactsSerializer(serializers.Serializer):
    summoned = serializers.IntegerField()
    present = serializers.IntegerField()
    excused = serializers.IntegerField()
    unexcused = serializers.IntegerField()
    unpaid_fee_months = serializers.IntegerField()
    fees_owed = serializers.IntegerField()
    disciplined = serializers.BooleanField()


class EvaluationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    year = serializers.IntegerField()
    cell = serializers.CharField(source="cell.name")
    deadline = serializers.DateField(source="round.deadline")
    progress = serializers.SerializerMethodField()
    total_points = serializers.IntegerField(source="round.scheme.total_points")
    criteria = serializers.SerializerMethodField()
    score = serializers.IntegerField(allow_null=True)
    self_text = serializers.CharField()
    self_level = serializers.ChoiceField(choices=Level.choices, allow_blank=True)
    self_assessed_at = serializers.DateTimeField(allow_null=True)
    facts = serializers.SerializerMethodField()
    proposed_level = serializers.ChoiceField(choices=Level.choices, allow_blank=True)
    votes_for = serializers.IntegerField(allow_null=True)
    official_members = serializers.IntegerField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    level = serializers.ChoiceField(choices=Level.choices, allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    amendments = AmendmentSerializer(many=True, source="amendments.all")

    def get_progress(self, evaluation) -> str:
        return rules.progress(self_assessed_at=evaluation.self_assessed_at, reviewed_at=evaluation.reviewed_at,
                              decided_at=evaluation.decided_at)

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, evaluation) -> list:
        points = evaluation.points or {}
        return CriterionSerializer([
            {"id": c.pk, "title": c.title, "max_points": c.max_points, "points": points.get(str(c.pk))}
            for c in evaluation.round.scheme.criteria.all()], many=True).data

    @extend_schema_field(FactsSerializer(allow_null=True))
    def get_facts(self, evaluation) -> dict | None:
        return FactsSerializer(evaluation.facts).data if evaluation.facts else None


class PointsSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    points = serializers.IntegerField(min_value=0, max_value=1000)


class SelfAssessmentSerializer(serializers.Serializer):
    points = PointsSerializer(many=True, allow_empty=False, max_length=50)
    text = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class MyEvaluationsView(ApiView):
    @extend_schema(tags=["Evaluations"], operation_id="my_evaluations",
                   summary="My yearly evaluations: each step, the points, the facts, the amendments",
                   responses=EvaluationSerializer(many=True))
    def get(self, request):
        return self.paginated(selectors.my_evaluations(self.scope), EvaluationSerializer)


class MySelfAssessmentView(ApiView):
    @extend_schema(tags=["Evaluations"], operation_id="my_self_assessment",
                   summary="Send my self-assessment (points per criterion and my account), until the cell reviews it",
                   request=SelfAssessmentSerializer, responses=EvaluationSerializer)
    def post(self, request, evaluation_id):
        evaluation = selectors.get_member_evaluation(self.scope, evaluation_id)
        if not selectors.can_self_assess(self.scope, evaluation):
            raise Http404
        data = self.valid(SelfAssessmentSerializer, request.data)
        points = {row["criterion"]: row["points"] for row in data["points"]}
        services.member_self_assess(evaluation=evaluation, points=points, text=data["text"], actor=request.user)
        evaluation = selectors.get_member_evaluation(self.scope, evaluation_id)
        return Response(EvaluationSerializer(evaluation).data)
