"""Monthly summary tables per cell and per organisation, and each member's yearly absence counter.

Every row is derived data: `rollups.services` recomputes it from the meetings and the roll
calls (never adds to it), so any row can be thrown away and rebuilt.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.numbers import percent


class MonthFigures(models.Model):
    """The figures of one month, for one cell or summed over an organisation's subtree.

    For a cell every count is 0 or 1 except the meeting and attendance counts; for an
    organisation each is the sum over the cells of its whole subtree (itself included if it
    is a cell), so `cells_due` is the number of cells that owed a regular meeting.
    """

    month = models.DateField(_("month"))  # first day of the month
    cells_due = models.PositiveIntegerField(default=0)
    regular_held = models.PositiveIntegerField(default=0)
    regular_on_time = models.PositiveIntegerField(default=0)  # held on (or before) the scheduled date
    regular_late = models.PositiveIntegerField(default=0)
    regular_missed = models.PositiveIntegerField(default=0)  # the month is over and none was held
    thematic_held = models.PositiveIntegerField(default=0)
    thematic_quarter = models.PositiveIntegerField(default=0)  # cells with a thematic meeting this quarter so far
    meetings_held = models.PositiveIntegerField(default=0)  # cell meetings (committee meetings aside)
    # On time among the meetings that were due: a deadline still ahead counts neither way
    # (meetings.rules.timely_rate). Documents are owed only by MEETINGS_WITH_DOCUMENTS.
    documents_due = models.PositiveIntegerField(default=0)
    documents_on_time = models.PositiveIntegerField(default=0)
    minutes_due = models.PositiveIntegerField(default=0)
    minutes_on_time = models.PositiveIntegerField(default=0)
    summoned = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)
    unexcused = models.PositiveIntegerField(default=0)
    # As of the month's end, this year, for absences or unpaid fees (a member once for both).
    members_at_risk = models.PositiveIntegerField(default=0)
    members_to_remove = models.PositiveIntegerField(default=0)
    members_at_risk_fees = models.PositiveIntegerField(default=0)  # of them, at risk for unpaid fees
    # Party fees of the month (fees.FeeMonth): amounts in đồng, summed over the subtree.
    fees_due = models.BigIntegerField(default=0)
    fees_paid = models.BigIntegerField(default=0)
    fee_members = models.PositiveIntegerField(default=0)  # members with a ledger row for the month
    fee_members_paid = models.PositiveIntegerField(default=0)  # of them, paid in full
    fee_sheets = models.PositiveIntegerField(default=0)  # cells that recorded the month
    fees_remitted = models.BigIntegerField(default=0)  # handed to the level above for the month
    last_meeting_at = models.DateTimeField(null=True)
    # Adoption: a snapshot refreshed nightly into the current month's row.
    members = models.PositiveIntegerField(default=0)
    members_with_account = models.PositiveIntegerField(default=0)
    members_signed_in = models.PositiveIntegerField(default=0)  # in the last 30 days
    members_opened_notices = models.PositiveIntegerField(null=True)  # null: not measured
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CellMonth(MonthFigures):
    cell = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    # The regular meeting that counted for the month, when one was held.
    regular_meeting = models.ForeignKey("meetings.Meeting", null=True, on_delete=models.SET_NULL, related_name="+")
    regular_scheduled_date = models.DateField(null=True)
    regular_held_on = models.DateField(null=True)

    class Meta:
        verbose_name = _("cell month")
        verbose_name_plural = _("cell months")
        constraints = [models.UniqueConstraint(fields=["cell", "month"], name="cellmonth_one_per_month")]
        indexes = [models.Index(fields=["month"], name="cellmonth_month_idx")]

    def __str__(self):
        return f"{self.cell_id} {self.month:%m/%Y}"


class OrganizationMonth(MonthFigures):
    organization = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("organisation month")
        verbose_name_plural = _("organisation months")
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="orgmonth_one_per_month"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.month:%m/%Y}"


class MemberYear(models.Model):
    """A member at risk in one cell and one calendar year: months of absence without reason,
    months with the party fee unpaid, or both (one row: the member counts once).

    DOMAIN.md: three months in a year of either lead the cell to propose removal; the
    dashboards warn one month before (meetings.rules.risk_level, per reason). A row exists
    only once a warning is reached; absences count in the cell where they happened, unpaid
    months in the cell whose ledger holds them.
    """

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    cell = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    unexcused_months = models.PositiveSmallIntegerField(default=0)  # months with an absence without reason
    unexcused_total = models.PositiveSmallIntegerField(default=0)
    unpaid_months = models.PositiveSmallIntegerField(default=0)  # months over with the fee not fully paid
    at_risk_from = models.DateField()  # the month a warning threshold was first reached
    removal_from = models.DateField(null=True)  # the month a removal threshold was first reached
    last_unexcused_on = models.DateField(null=True)

    class Meta:
        verbose_name = _("member year")
        verbose_name_plural = _("member years")
        constraints = [models.UniqueConstraint(fields=["member", "cell", "year"], name="memberyear_one_per_cell_year")]
        indexes = [models.Index(fields=["cell", "year"], name="memberyear_cell_year_idx")]

    def __str__(self):
        return f"{self.member_id} {self.year}: {self.unexcused_months}/{self.unpaid_months}"

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the member is at risk: meetings.rules.ABSENCES, FEES, or both."""
        # Imported here: meetings.rules reads the models of three apps, not to be imported
        # while the app registry is still loading models.
        from meetings.rules import member_risk_of

        return member_risk_of(self.unexcused_months, self.unpaid_months).reasons


class RegisterYear(models.Model):
    """The registers of one calendar year for an organisation, summed over its whole subtree
    (itself included): admissions against plan by category, commendations by form and
    discipline by level, party badges presented and due.

    Derived like the month rows (`rollups.services.registers_rebuild` / `registers_refresh`
    recompute and overwrite). Each figure follows the live rule of its register:
    admissions.selectors.admission_figures (an admission counts for the member's first home
    cell, in the year of its admission date; the plan is the sum of the grassroots
    organisations' plans) and conduct.selectors.yearly_counts / badge_list (a decision
    counts for the cell it was recorded in; a badge for the member's home cell now).
    """

    organization = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    admitted = models.PositiveIntegerField(default=0)
    # members.rules.AdmissionCategory: one admission may count in several categories.
    admitted_non_state = models.PositiveIntegerField(default=0)
    admitted_religious = models.PositiveIntegerField(default=0)
    admitted_young = models.PositiveIntegerField(default=0)
    admitted_female = models.PositiveIntegerField(default=0)
    admitted_ethnic_minority = models.PositiveIntegerField(default=0)
    # Null: no grassroots organisation of the subtree has a plan (or a target for the category).
    target = models.PositiveIntegerField(null=True)
    target_non_state = models.PositiveIntegerField(null=True)
    target_religious = models.PositiveIntegerField(null=True)
    target_young = models.PositiveIntegerField(null=True)
    target_female = models.PositiveIntegerField(null=True)
    target_ethnic_minority = models.PositiveIntegerField(null=True)
    # {conduct Commendation.Kind / Discipline.Level value: decisions dated in the year}
    commendations = models.JSONField(default=dict)
    disciplines = models.JSONField(default=dict)
    badges_presented = models.PositiveIntegerField(default=0)
    # Members on the rolls who reach a badge at the next presentation date, as of the last
    # computation: kept on the current year's row only (null date on the other years).
    badges_due = models.PositiveIntegerField(default=0)
    badges_due_on = models.DateField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("register year")
        verbose_name_plural = _("register years")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="registeryear_one_per_year")]
        indexes = [models.Index(fields=["year"], name="registeryear_year_idx")]

    def __str__(self):
        return f"{self.organization_id} {self.year}"

    @property
    def admission_rate(self):
        return percent(self.admitted, self.target)

    def category_rows(self) -> list[tuple[str, str, int, int | None]]:
        """(key, label, admitted, target) of each admission category."""
        # Imported here, as the conduct models below: other apps' modules, not to be imported
        # while the app registry is still loading models.
        from members.rules import AdmissionCategory

        return [(key, AdmissionCategory.LABELS[key], getattr(self, f"admitted_{key}"), getattr(self, f"target_{key}"))
                for key in AdmissionCategory.ALL]

    @property
    def commendation_total(self) -> int:
        return sum(self.commendations.values())

    @property
    def discipline_total(self) -> int:
        return sum(self.disciplines.values())

    def commendation_rows(self) -> list[tuple[str, int]]:
        """(label, count) of each form of commendation given in the year."""
        from conduct.models import Commendation

        return [(label, self.commendations[key]) for key, label in Commendation.Kind.choices
                if self.commendations.get(key)]

    def discipline_rows(self) -> list[tuple[str, int]]:
        from conduct.models import Discipline

        return [(label, self.disciplines[key]) for key, label in Discipline.Level.choices
                if self.disciplines.get(key)]
