"""The conduct registers in the API for the mobile app: the same selectors, the same scope
(out of scope is a 404). Wired under /api/v1/ by the api app (conduct.api_urls)."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.views.base import ApiView
from conduct import selectors
from conduct.models import Commendation, Discipline
from conduct.rules import badge_occasion, is_presentation_date
from members.access import get_cell_for_viewer, members_visible


class _DecisionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    member = serializers.SerializerMethodField()
    cell = serializers.CharField(source="cell.name")
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    issuing_body = serializers.CharField()
    reason = serializers.CharField()
    has_attachment = serializers.SerializerMethodField()

    def get_member(self, record) -> dict:
        return {"id": str(record.member.public_id), "full_name": record.member.full_name}

    def get_has_attachment(self, record) -> bool:
        return bool(record.attachment)


class CommendationSerializer(_DecisionSerializer):
    kind = serializers.ChoiceField(choices=Commendation.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")


class DisciplineSerializer(_DecisionSerializer):
    level = serializers.ChoiceField(choices=Discipline.Level.choices)
    level_label = serializers.CharField(source="get_level_display")


class BadgeSerializer(serializers.Serializer):
    years = serializers.IntegerField()
    presented_on = serializers.DateField()
    decision_number = serializers.CharField()
    presented_by = serializers.CharField()


class MemberConductSerializer(serializers.Serializer):
    commendations = CommendationSerializer(many=True)
    disciplines = DisciplineSerializer(many=True)
    badges = BadgeSerializer(many=True)


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1930, max_value=2100, required=False)


class OccasionSerializer(serializers.Serializer):
    occasion = serializers.DateField(required=False, help_text="A presentation date; the next one when absent.")

    def validate_occasion(self, value):
        if not is_presentation_date(value) or not 1930 <= value.year <= 2100:
            raise serializers.ValidationError("Not a party badge presentation date.")
        return value


class CountsSerializer(serializers.Serializer):
    organization = serializers.SerializerMethodField()
    commendations = serializers.SerializerMethodField()
    commendation_total = serializers.IntegerField()
    disciplines = serializers.SerializerMethodField()
    discipline_total = serializers.IntegerField()

    def get_organization(self, row) -> dict:
        return {"id": str(row.organization.public_id), "name": row.organization.name}

    def get_commendations(self, row) -> dict[str, int]:
        return dict(zip(Commendation.Kind.values, row.commendation_list(), strict=True))

    def get_disciplines(self, row) -> dict[str, int]:
        return dict(zip(Discipline.Level.values, row.discipline_list(), strict=True))


class BadgeRowSerializer(serializers.Serializer):
    member = serializers.SerializerMethodField()
    cell = serializers.CharField(source="cell.name")
    years = serializers.IntegerField()
    anniversary = serializers.DateField()
    presented_on = serializers.DateField(source="presentation.presented_on", default=None)

    def get_member(self, row) -> dict:
        return {"id": str(row.member.public_id), "full_name": row.member.full_name}


def _conduct(scope, member):
    return MemberConductSerializer(selectors.member_conduct(scope, member)).data


class MyConductView(ApiView):
    @extend_schema(tags=["Conduct"], operation_id="my_conduct", summary="My commendations, discipline and badges",
                   responses=MemberConductSerializer)
    def get(self, request):
        member = members_visible(self.scope).filter(pk=self.scope.member_id).first()
        if member is None:
            raise Http404
        return Response(_conduct(self.scope, member))


class MemberConductView(ApiView):
    @extend_schema(tags=["Conduct"], operation_id="member_conduct",
                   summary="A member's commendations, discipline and badges (officers and committees)",
                   responses=MemberConductSerializer)
    def get(self, request, member_id):
        member = members_visible(self.scope).filter(public_id=member_id).first()
        if member is None:
            raise Http404
        return Response(_conduct(self.scope, member))


class CellConductView(ApiView):
    @extend_schema(tags=["Conduct"], operation_id="cell_conduct",
                   summary="A cell's commendations, and the discipline records I may read",
                   responses=MemberConductSerializer)
    def get(self, request, cell_id):
        cell = get_cell_for_viewer(self.scope, cell_id)
        commendations, disciplines = selectors.cell_register(self.scope, cell)
        return Response(MemberConductSerializer(
            {"commendations": commendations, "disciplines": disciplines, "badges": []}).data)


class OrganizationConductView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_conduct_counts",
                   summary="Commendations by form and discipline by level in a year, per grassroots organisation",
                   parameters=[YearSerializer], responses=CountsSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_organization_for_committee(self.scope, organization_id)
        year = self.valid(YearSerializer, request.query_params).get("year") or selectors.default_year()
        rows, total = selectors.yearly_counts(org, year)
        return Response({"year": year, "organizations": CountsSerializer(rows, many=True).data,
                         "total": CountsSerializer(total).data})


class OrganizationBadgesView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_badges",
                   summary="Party badges due and presented at a presentation date",
                   parameters=[OccasionSerializer], responses=BadgeRowSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_organization_for_badges(self.scope, organization_id)
        day = self.valid(OccasionSerializer, request.query_params).get("occasion")
        occasion = badge_occasion(day or timezone.localdate())
        due, presented = selectors.badge_list(org, occasion)
        return Response({"occasion": occasion.date, "due": BadgeRowSerializer(due, many=True).data,
                         "presented": BadgeRowSerializer(presented, many=True).data})
