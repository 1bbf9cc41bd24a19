"""Party fees for the mobile app: a member's own fee months, a cell's month for its officers
(and the committees above), the yearly figures for the committees. Read through the same
selectors as the pages (out of scope: 404)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.views.base import ApiView
from fees import selectors


class FeeMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month")
    cell = serializers.CharField(source="cell.name")
    amount_due = serializers.IntegerField(help_text="đồng")
    amount_paid = serializers.IntegerField(help_text="đồng, covering this month (advances included)")
    paid_on = serializers.DateField(allow_null=True)


class SheetRowSerializer(serializers.Serializer):
    member_id = serializers.UUIDField(source="member.public_id")
    full_name = serializers.CharField(source="member.full_name")
    due = serializers.IntegerField(allow_null=True, help_text="null: no fee basis yet")
    received = serializers.IntegerField()
    paid = serializers.IntegerField()
    paid_on = serializers.DateField(allow_null=True)
    unpaid_months = serializers.IntegerField(help_text="Earlier months of the year not fully paid")


class SheetSerializer(serializers.Serializer):
    month = serializers.DateField()
    due = serializers.IntegerField()
    paid = serializers.IntegerField()
    members_paid = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    rows = SheetRowSerializer(many=True)


class UnitSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField(source="organization.public_id")
    name = serializers.CharField(source="organization.name")
    due = serializers.IntegerField()
    paid = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True,
                                    help_text="Collected over due, rounded half up to one decimal")
    members = serializers.IntegerField(help_text="Member-months in the ledgers")
    members_paid = serializers.IntegerField(help_text="Member-months paid in full")
    remitted = serializers.IntegerField()


class QuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text="YYYY-MM (this month if left out)")


class MyFeesView(ApiView):
    @extend_schema(tags=["Me"], operation_id="my_fees", summary="My party fee months, newest first",
                   parameters=[QuerySerializer], responses=FeeMonthSerializer(many=True))
    def get(self, request):
        year = self.valid(QuerySerializer, request.query_params).get("year")
        return self.paginated(selectors.member_fee_months(self.scope, year=year), FeeMonthSerializer)


class CellFeesView(ApiView):
    @extend_schema(tags=["Cells"], operation_id="cell_fees",
                   summary="A cell's month of party fees (its officers and the committees above)",
                   parameters=[QuerySerializer], responses=SheetSerializer)
    def get(self, request, cell_id):
        cell, _can_write = selectors.get_cell_for_fees(self.scope, cell_id)
        today = timezone.localdate()
        month = selectors.parse_month(self.valid(QuerySerializer, request.query_params).get("month"), today=today)
        return Response(SheetSerializer(selectors.fee_sheet(cell, month, today=today)).data)


class OrganizationFeesView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_fees",
                   summary="Party fees of a year: each unit below, then the total",
                   parameters=[QuerySerializer], responses=UnitSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_organization_for_committee(self.scope, organization_id)
        year = self.valid(QuerySerializer, request.query_params).get("year") or timezone.localdate().year
        figures = selectors.committee_fees(org, year)
        return self.paginated([*figures.units, figures.total], UnitSerializer)
