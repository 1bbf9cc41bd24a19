"""The admissions register for the mobile app: candidates for the cell's officers and the
committees above, and the yearly figures against plan for the committees. Read through the
same selectors as the pages (out of scope: 404)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from admissions import selectors
from api.views.base import ApiView
from members.rules import AdmissionCategory


class SponsorSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    full_name = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    gender = serializers.CharField()
    stage = serializers.CharField(help_text="registered, course, sponsors, vote, decision, ceremony or withdrawn")
    registered_on = serializers.DateField()
    ceremony_on = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)


class CandidateDetailSerializer(CandidateSerializer):
    ethnicity = serializers.CharField()
    religion = serializers.CharField()
    workplace_kind = serializers.CharField()
    workplace = serializers.CharField()
    course_on = serializers.DateField(allow_null=True)
    course_certificate = serializers.CharField()
    sponsors = serializers.SerializerMethodField()
    sponsors_on = serializers.DateField(allow_null=True)
    vote_on = serializers.DateField(allow_null=True)
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    official_members = serializers.IntegerField(allow_null=True)
    decision_number = serializers.CharField()
    decision_on = serializers.DateField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    member_id = serializers.UUIDField(source="member.public_id", allow_null=True, default=None)

    def get_sponsors(self, candidate) -> list[dict]:
        return [SponsorSerializer(s).data for s in (candidate.sponsor_1, candidate.sponsor_2) if s is not None]


class CategorySerializer(serializers.Serializer):
    key = serializers.CharField()
    admitted = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField(source="organization.public_id")
    name = serializers.CharField(source="organization.name")
    target = serializers.IntegerField(allow_null=True)
    admitted = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True,
                                    help_text="Percent of plan, rounded half up to one decimal")
    in_preparation = serializers.IntegerField()
    categories = serializers.SerializerMethodField()

    def get_categories(self, figures) -> list[dict]:
        return [{"key": key, "admitted": figures.by_category[key], "target": figures.targets[key]}
                for key in AdmissionCategory.ALL]


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1945, max_value=2100, required=False,
                                    help_text="The calendar year (this year if left out)")


class CandidatesView(ApiView):
    @extend_schema(tags=["Admissions"], operation_id="cell_candidates",
                   summary="Candidates for admission of a cell (its officers and the committees above)",
                   responses=CandidateSerializer(many=True))
    def get(self, request, cell_id):
        cell = selectors.get_cell_for_candidates(self.scope, cell_id)
        return self.paginated(selectors.candidate_list(cell), CandidateSerializer)


class CandidateDetailView(ApiView):
    @extend_schema(tags=["Admissions"], operation_id="candidate_detail", summary="A candidate and their steps",
                   responses=CandidateDetailSerializer)
    def get(self, request, candidate_id):
        candidate = selectors.get_candidate(self.scope, candidate_id)
        return Response(CandidateDetailSerializer(candidate).data)


class AdmissionFiguresView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_admissions",
                   summary="Admissions of a year against plan: each grassroots organisation, then the total",
                   parameters=[YearSerializer], responses=FiguresSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_organization_for_admissions(self.scope, organization_id)
        year = self.valid(YearSerializer, request.query_params).get("year") or timezone.localdate().year
        rows, total = selectors.admission_figures(org, year)
        return self.paginated([*rows, total], FiguresSerializer)
