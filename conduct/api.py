"""The conduct registers in the API for the mobile app: the same selectors, the same scope
(out of scope is a 404). Wired under /api/v1/ by the api app (conduct.api_urls)."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.serializers import MemberRefSerializer, OrganizationRefSerializer
from api.views.base import ApiView
from conduct import selectors
from conduct.models import Commendation, Discipline
from conduct.rules import badge_occasion, is_presentation_date
from members.access import get_cell_for_viewer, members_visible


class _DecisionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    member = MemberRefSerializer()
    cell = serializers.CharField(source="cell.name")
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    issuing_body = serializers.CharField()
    reason = serializers.CharField()
    has_attachment = serializers.SerializerMethodField()

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
            raise serializers.ValidationError(_("Not a party badge presentation date."))
        return value


def _counts_serializer(name: str, keys: list[str]) -> type[serializers.Serializer]:
    """A count for every key, each always present (the row's counts are defaultdicts: a form
    no one received reads 0): the schema names them all, so a client needs no guard."""
    return type(name, (serializers.Serializer,), {key: serializers.IntegerField() for key in keys})


CommendationCountsSerializer = _counts_serializer("CommendationCountsSerializer", Commendation.Kind.values)
DisciplineCountsSerializer = _counts_serializer("DisciplineCountsSerializer", Discipline.Level.values)


class CountsSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    commendations = CommendationCountsSerializer()
    commendation_total = serializers.IntegerField()
    disciplines = DisciplineCountsSerializer()
    discipline_total = serializers.IntegerField()


class BadgeRowSerializer(serializers.Serializer):
    member = MemberRefSerializer()
    cell = serializers.CharField(source="cell.name")
    years = serializers.IntegerField()
    anniversary = serializers.DateField()
    occasion = serializers.SerializerMethodField()
    presented_on = serializers.DateField(source="presentation.presented_on", allow_null=True,
                                         help_text="Empty while the badge is still due")

    def get_occasion(self, row) -> dt.date:
        return self.context["occasion"]


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
                   summary="Commendations by form and discipline by level in a year: each grassroots "
                           "organisation, then the total",
                   parameters=[YearSerializer], responses=CountsSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_organization_for_committee(self.scope, organization_id)
        year = self.valid(YearSerializer, request.query_params).get("year") or selectors.default_year()
        rows, total = selectors.yearly_counts(org, year)
        return self.paginated([*rows, total], CountsSerializer)


class OrganizationBadgesView(ApiView):
    occasion: dt.date | None = None

    @extend_schema(tags=["Committee"], operation_id="organization_badges",
                   summary="Party badges at a presentation date: those still due, then those presented",
                   parameters=[OccasionSerializer], responses=BadgeRowSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_organization_for_badges(self.scope, organization_id)
        day = self.valid(OccasionSerializer, request.query_params).get("occasion")
        occasion = badge_occasion(day or timezone.localdate())
        self.occasion = occasion.date
        due, presented = selectors.badge_list(org, occasion)
        return self.paginated([*due, *presented], BadgeRowSerializer)

    def get_serializer_context(self):
        # Each row names the occasion: the client that left it out learns which one it got.
        return {**super().get_serializer_context(), "occasion": self.occasion}
