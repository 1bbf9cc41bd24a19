"""The roster of a cell, the organisations a committee oversees and their dashboard figures."""

from drf_spectacular.utils import extend_schema

from api.selectors import (
    cell_month_figures,
    figure_months,
    month_figures,
    organization_cell_list,
    organizations_of_seats,
)
from api.serializers import (
    CellMonthSerializer,
    MonthFiguresSerializer,
    MonthRangeSerializer,
    MonthSerializer,
    OrganizationSerializer,
    RosterFilterSerializer,
    RosterMemberSerializer,
)
from api.views.base import ApiView
from members.selectors import get_cell_for_roster, roster_memberships
from reports.selectors import get_organization_for_reports


class RosterView(ApiView):
    @extend_schema(tags=["Roster"], operation_id="roster", summary="The rolls of a cell (its officers and the committees above)",
                   parameters=[RosterFilterSerializer], responses=RosterMemberSerializer(many=True))
    def get(self, request, cell_id):
        cell = get_cell_for_roster(self.scope, cell_id)
        filters = self.valid(RosterFilterSerializer, request.query_params)
        memberships = roster_memberships(cell, query=filters.get("q", ""), status=filters.get("status", ""))
        return self.paginated(memberships, RosterMemberSerializer)


class OrganizationsView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organizations_overseen",
                   summary="Organisations whose subtree I oversee (my committee seats)",
                   responses=OrganizationSerializer(many=True))
    def get(self, request):
        return self.paginated(organizations_of_seats(self.scope), OrganizationSerializer)


class OrganizationCellsView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_cells",
                   summary="Every active cell in an organisation I oversee", responses=OrganizationSerializer(many=True))
    def get(self, request, organization_id):
        org = get_organization_for_reports(self.scope, organization_id)
        return self.paginated(organization_cell_list(org), OrganizationSerializer)


class OrganizationMonthsView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_months",
                   summary="Dashboard figures of an organisation I oversee, month by month",
                   description="Each month as the organisation's dashboard shows it for that month (sums over "
                               "every cell of its subtree, or one cell's own figures), newest month first: the "
                               "months with figures, up to this month.",
                   parameters=[MonthRangeSerializer], responses=MonthFiguresSerializer(many=True))
    def get(self, request, organization_id):
        org = get_organization_for_reports(self.scope, organization_id)
        months = figure_months(org, **self.valid(MonthRangeSerializer, request.query_params))
        return self.paginated(months, MonthFiguresSerializer, load=lambda page: [month_figures(org, m) for m in page])


class OrganizationCellFiguresView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_cell_figures",
                   summary="Dashboard figures of each cell under an organisation I oversee, for a month",
                   description="As the dashboard's table of cells shows them for that month, by name.",
                   parameters=[MonthSerializer], responses=CellMonthSerializer(many=True))
    def get(self, request, organization_id):
        org = get_organization_for_reports(self.scope, organization_id)
        month = self.valid(MonthSerializer, request.query_params)
        return self.paginated(cell_month_figures(org, **month), CellMonthSerializer)
