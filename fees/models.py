"""Party fees (đảng phí): rates as data, each member's fee basis, the monthly ledger, a cell's
recorded months and its remittances to the level above.

The amount due is never typed: `fees.rules.amount_due` computes it from the member's basis
and the rate in force (both dated). A ledger row (`FeeMonth`) holds what was received on
that month's sheet and what covers the month; an advance payment is money received on one
month's sheet beyond its due, which covers the following months (`fees.rules.allocate`).
"""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeeKind(models.TextChoices):
    SALARY = "salary", _("Salary (insured salary)")
    PENSION = "pension", _("Pension")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other (fixed sum)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FeeRate(models.Model):
    """The rate of one kind from a date: a percentage of the member's base amount, or a fixed
    sum (DOMAIN.md: 1 % of insured salary, 0.5 % of pension, 5,000 đ for students)."""

    kind = models.CharField(_("kind"), max_length=16, choices=FeeKind.choices)
    percent = models.DecimalField(_("per cent of the base amount"), max_digits=5, decimal_places=3,
                                  null=True, blank=True)
    fixed_amount = models.PositiveIntegerField(_("fixed sum (đồng)"), null=True, blank=True)
    effective_from = models.DateField(_("in force from"))

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="feerate_one_per_kind_and_date"),
            models.CheckConstraint(
                condition=Q(percent__isnull=True, fixed_amount__isnull=False)
                | Q(percent__isnull=False, fixed_amount__isnull=True),
                name="feerate_percent_or_fixed",
            ),
        ]

    def __str__(self):
        value = f"{self.percent} %" if self.percent is not None else f"{self.fixed_amount} đ"
        return f"{self.get_kind_display()}: {value} ({self.effective_from:%d/%m/%Y})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FeeBasis(models.Model):
    """What a member's fee is computed from, from a date: the kind and, for a percentage
    rate, the base amount (insured salary, pension)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="fee_bases")
    kind = models.CharField(_("kind"), max_length=16, choices=FeeKind.choices)
    base_amount = models.PositiveBigIntegerField(_("base amount (đồng)"), null=True, blank=True)
    effective_from = models.DateField(_("from"))
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fee basis")
        verbose_name_plural = _("fee bases")
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_from"], name="feebasis_one_per_member_and_date"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.kind} {self.base_amount or ''} ({self.effective_from:%d/%m/%Y})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FeeMonth(models.Model):
    """A member's fee for one month, in the cell that collects it.

    `amount_received` is the money taken on this month's sheet; `amount_paid` is what covers
    this month (at most the due): the money received for it plus what an earlier month's
    surplus carried forward (an advance). `paid_on` and `collected_by` are those of the money
    that covered it last.
    """

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="fee_months")
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # first day of the month
    amount_due = models.PositiveBigIntegerField(_("amount due"))
    amount_received = models.PositiveBigIntegerField(_("received on this month's sheet"), default=0)
    amount_paid = models.PositiveBigIntegerField(_("amount paid for the month"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    collected_by = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("collected by"))
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fee month")
        verbose_name_plural = _("fee months")
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="feemonth_one_per_member_and_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="feemonth_first_of_month"),
            models.CheckConstraint(condition=Q(amount_paid__lte=models.F("amount_due")),
                                   name="feemonth_paid_at_most_due"),
        ]
        indexes = [models.Index(fields=["cell", "month"], name="feemonth_cell_month_idx")]

    def __str__(self):
        return f"{self.member_id} {self.month:%m/%Y}: {self.amount_paid}/{self.amount_due}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FeeSheet(models.Model):
    """A cell's month of fees, recorded (the collection figures count recorded cells)."""

    cell = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    collected_on = models.DateField(_("collected on"))
    collected_by = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("collected by"))
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fee sheet")
        verbose_name_plural = _("fee sheets")
        constraints = [
            models.UniqueConstraint(fields=["cell", "month"], name="feesheet_one_per_cell_and_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="feesheet_first_of_month"),
        ]

    def __str__(self):
        return f"{self.cell_id} {self.month:%m/%Y}"


class FeeSubmission(models.Model):
    """A sheet submission remembered by its key, so a retried POST changes nothing."""

    cell = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    key = models.CharField(max_length=64)
    submitted_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fee sheet submission")
        verbose_name_plural = _("fee sheet submissions")
        constraints = [models.UniqueConstraint(fields=["cell", "key"], name="feesubmission_once")]

    def __str__(self):
        return f"{self.cell_id} {self.month:%m/%Y}: {self.key}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Remittance(models.Model):
    """A cell's fees of one month handed to the level above."""

    cell = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    remitted_on = models.DateField(_("remitted on"))
    to_organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("to"))
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remittance")
        verbose_name_plural = _("remittances")
        constraints = [
            models.UniqueConstraint(fields=["cell", "month"], name="remittance_one_per_cell_and_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="remittance_first_of_month"),
        ]

    def __str__(self):
        return f"{self.cell_id} {self.month:%m/%Y}: {self.amount}"
