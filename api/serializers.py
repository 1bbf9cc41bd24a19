"""Shapes of the API's requests and responses. Thin: no rule lives here beyond input form."""

import datetime as dt
import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import ApiToken
from cells.models import Organization
from common.text import control_characters, normalize_text, search_query
from meetings.models import Attendance, DraftComment, Meeting, MeetingDocument
from meetings.rules import MARKS
from members.models import CellMembership, CommitteeSeat, Member, MemberStatus, Role
from members.selectors import RosterFilter

# Meetings are planned within these years: beyond them a date is a typo, and date arithmetic
# at the edges of Python's calendar would overflow.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


class StrictCharField(serializers.CharField):
    """Text input that must be a JSON string (DRF would turn 0 or true into "0" or "True"), kept
    in one Unicode form (NFC: "Nguyễn" sent decomposed is stored as the same letters as
    everyone's) and without control characters (tab and line breaks are text). A password
    (`exact=True`) is taken exactly as sent."""

    default_error_messages = {"control": _("Remove the control characters (such as NUL) from the text.")}

    def __init__(self, *, exact: bool = False, **kwargs):
        self.exact = exact
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if not self.exact:
            if control_characters(data):
                self.fail("control")
            data = normalize_text(data)
        return super().to_internal_value(data)


class SearchField(serializers.CharField):
    """A search box's text, cleaned as the pages clean theirs (common.text.search_query): a
    NUL or an invisible character is dropped, not an error."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if self.max_length is not None and len(value) > self.max_length:
            self.fail("max_length", max_length=self.max_length)  # as the schema says, not cut short
        return search_query(value, max_length=len(value))


class StrictUUIDField(serializers.UUIDField):
    """A UUID given as a string (DRF would also take an integer)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class MeetingTimeField(serializers.DateTimeField):
    default_error_messages = {"out_of_range": _("Choose a time between the years 2000 and 2099.")}

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        if not EARLIEST <= value < LATEST:
            self.fail("out_of_range")
        return value


# --- Small references --------------------------------------------------------------------

class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)


class CellRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class MemberRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    full_name = serializers.CharField()


# --- Tokens and sign-in --------------------------------------------------------------------

class SignInSerializer(serializers.Serializer):
    login = StrictCharField(max_length=254, help_text="Username or email.")
    password = StrictCharField(max_length=128, exact=True, trim_whitespace=False, style={"input_type": "password"})
    device = StrictCharField(max_length=100, required=False, default="",
                                   help_text="A name for this device, shown on the member's token page.")


class MfaSerializer(serializers.Serializer):
    challenge = StrictCharField(max_length=1000, help_text="The challenge returned by the first step.")
    code = StrictCharField(max_length=64, help_text="A 6-digit code from the authenticator app, or a recovery code.")


class MfaRequiredSerializer(serializers.Serializer):
    mfa_required = serializers.BooleanField(help_text="Always true: send the challenge and a code to /auth/token/mfa/.")
    challenge = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the challenge stays valid.")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=["totp", "recovery_codes"]))


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    current = serializers.SerializerMethodField(help_text="True for the token making this request.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_prefix", "signed_in_with", "created_at", "last_used_at", "expires_at", "revoked_at", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`. Shown only once.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


# --- Me --------------------------------------------------------------------------------------

class MemberFieldsMixin(serializers.Serializer):
    # Blank is a legal value of these columns: say so in the schema (no "email" format on "").
    gender = serializers.ChoiceField(choices=Member.Gender.choices, allow_blank=True, read_only=True)
    email = serializers.CharField(read_only=True)


class MemberRecordSerializer(MemberFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id", "full_name", "date_of_birth", "gender", "ethnicity", "religion", "phone", "email",
            "party_card_number", "admission_date", "official_date", "status", "status_since",
            "workplace_kind", "workplace", "far_from_home",
        ]
        read_only_fields = fields


class MyCellSerializer(serializers.ModelSerializer):
    cell = CellRefSerializer()
    manages = serializers.SerializerMethodField(help_text="True when this role lets the member manage the cell.")

    class Meta:
        model = CellMembership
        fields = ["cell", "kind", "role", "start_date", "manages"]
        read_only_fields = fields

    def get_manages(self, membership) -> bool:
        return membership.is_officer


class MySeatSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()

    class Meta:
        model = CommitteeSeat
        fields = ["organization", "body", "title", "start_date"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.CharField()
    language = serializers.ChoiceField(choices=["vi", "en"])
    is_superuser = serializers.BooleanField()
    member = MemberRecordSerializer(allow_null=True, help_text="The member's own record; null for an account without one.")
    cells = MyCellSerializer(many=True, help_text="Cells the member belongs to now, with the role in each.")
    committee_seats = MySeatSerializer(many=True, help_text="Committee seats held now; each opens that organisation's subtree.")


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The member's secret iCalendar address: anyone holding it sees their meetings.")
    webcal_url = serializers.CharField(help_text="The same address as webcal://, which phones open in their calendar app.")


# --- Meetings -----------------------------------------------------------------------------------

class MeetingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    cell = CellRefSerializer(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "cell", "kind", "title", "status", "status_reason", "scheduled_date",
            "starts_at", "ends_at", "place", "roll_call_recorded_at",
        ]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    download_url = serializers.SerializerMethodField(help_text="Needs the same authentication as this call.")

    class Meta:
        model = MeetingDocument
        fields = ["id", "kind", "title", "content_type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document) -> str:
        path = reverse("api_document_download", kwargs={
            "meeting_id": document.meeting.public_id, "document_id": document.public_id,
        })
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DraftResolutionSerializer(serializers.Serializer):
    text = serializers.CharField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    comment_count = serializers.IntegerField(help_text="Comments are listed at /meetings/{id}/comments/.")


class ExcuseSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=255)
    created_at = serializers.DateTimeField(read_only=True)


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.CharField()
    documents = DocumentSerializer(many=True, source="prefetched_documents")
    draft_resolution = DraftResolutionSerializer(allow_null=True, source="draft_or_none")
    my_excuse = ExcuseSerializer(allow_null=True, help_text="The caller's advance excuse, if any (withdrawn ones are not shown).")
    can_manage = serializers.BooleanField(help_text="True when the caller may schedule, postpone, cancel and call the roll.")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda", "sequence", "documents", "draft_resolution", "my_excuse", "can_manage"]
        read_only_fields = fields


class MeetingFilterSerializer(serializers.Serializer):
    when = serializers.ChoiceField(
        choices=[("upcoming", "upcoming"), ("past", "past"), ("all", "all")], default="upcoming",
        help_text="upcoming: planned or postponed and not yet ended, soonest first; past: the rest, latest first; "
                  "all: everything, latest first.",
    )
    date_from = serializers.DateField(required=False, help_text="Only meetings starting on or after this day (local time).")
    date_to = serializers.DateField(required=False, help_text="Only meetings starting on or before this day (local time).")

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": _("The end date is before the start date.")})
        return attrs


class MeetingScheduleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, default=Meeting.Kind.REGULAR)
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = MeetingTimeField()
    ends_at = MeetingTimeField(required=False, help_text="Defaults to the start plus the kind's usual length.")
    place = StrictCharField(max_length=255, required=False, allow_blank=True, default="",
                                  help_text="Defaults to the cell's usual meeting place.")
    agenda = StrictCharField(max_length=10_000, required=False, allow_blank=True, default="")


class MeetingUpdateSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200, required=False, allow_blank=True)
    starts_at = MeetingTimeField(required=False)
    ends_at = MeetingTimeField(required=False)
    place = StrictCharField(max_length=255, required=False, allow_blank=True)
    agenda = StrictCharField(max_length=10_000, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


class MeetingPostponeSerializer(serializers.Serializer):
    starts_at = MeetingTimeField()
    ends_at = MeetingTimeField(required=False, help_text="Defaults to the new start plus the meeting's length.")
    reason = StrictCharField(max_length=1000)

    def validate(self, attrs):
        # meeting_postpone does not check this itself; the database would refuse it with a 500.
        if attrs.get("ends_at") and attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": _("The meeting must end after it starts.")})
        return attrs


class MeetingCancelSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=1000)


# --- Roll call ------------------------------------------------------------------------------------

# What a roll call may mark; "unmarked" is what a summoned member is until then (shown as null).
MARK_CHOICES = [(status, Attendance.Status(status).label) for status in MARKS]


class RollCallEntrySerializer(serializers.Serializer):
    """One row of meetings.roll_call_selectors.roll_call_sheet, as the roll-call page shows it."""

    member = MemberRefSerializer()
    summoned = serializers.SerializerMethodField(help_text="False for exempt members, who may only be marked present.")
    basis = serializers.ChoiceField(
        choices=Attendance.Basis.choices,
        help_text="Why the member is on the roll call: frozen when the roll call is first saved, so later "
                  "roster changes never alter a held meeting.")
    status = serializers.SerializerMethodField(help_text="Null until the roll call marks the member.")
    reason = serializers.CharField(source="saved_reason", allow_blank=True)
    excuse = serializers.SerializerMethodField(help_text="The member's advance excuse, if any.")

    def get_summoned(self, row) -> bool:
        return not row.exempt

    @extend_schema_field(serializers.ChoiceField(choices=MARK_CHOICES, allow_null=True))
    def get_status(self, row):
        return row.saved_status or None

    def get_excuse(self, row) -> str | None:
        return row.excuse.reason if row.excuse else None


class PercentField(serializers.DecimalField):
    """A rate as the pages show it (common.numbers.percent: rounded half up to one decimal), a JSON number."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=4, decimal_places=1, coerce_to_string=False, read_only=True, allow_null=True,
                         **kwargs)


class AttendanceSummarySerializer(serializers.Serializer):
    """meetings.roll_call_selectors.attendance_summary: the figures of the roll call and the minutes."""

    summoned = serializers.IntegerField(help_text="Members summoned (exempt members who came are not).")
    present = serializers.IntegerField(source="counts.present")
    excused = serializers.IntegerField(source="counts.excused")
    unexcused = serializers.IntegerField(source="counts.unexcused")
    unmarked = serializers.IntegerField(source="counts.unmarked",
                                        help_text="Summoned members the roll call has not marked yet.")
    exempt_present = serializers.IntegerField(source="counts.exempt_present",
                                              help_text="Exempt members who came: welcome, not counted in the rate.")
    official_summoned = serializers.IntegerField(help_text="Official members summoned: the vote base.")
    official_present = serializers.IntegerField()
    rate = PercentField(help_text="present / summoned, in %; null if nobody was summoned.")


class RollCallSerializer(serializers.Serializer):
    recorded_at = serializers.DateTimeField(allow_null=True)
    problem = serializers.CharField(allow_null=True, help_text="Why the roll call cannot be taken now; null when it can.")
    can_write = serializers.BooleanField(help_text="False for the committees above, who only read the roll call.")
    entries = RollCallEntrySerializer(many=True)
    summary = AttendanceSummarySerializer()


class RollCallInputEntrySerializer(serializers.Serializer):
    member_id = StrictUUIDField()
    status = serializers.ChoiceField(choices=MARK_CHOICES, allow_null=True, allow_blank=True,
                                     help_text="Null (or \"\") clears what was recorded for the member.")
    reason = StrictCharField(max_length=255, required=False, allow_blank=True, default="",
                                   help_text="Kept only for absent with reason.")


class RollCallInputSerializer(serializers.Serializer):
    entries = serializers.ListField(child=RollCallInputEntrySerializer(), min_length=1, max_length=1000)

    def validate_entries(self, entries):
        ids = [entry["member_id"] for entry in entries]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("Each member may be named only once."))
        return entries


# --- Draft comments ------------------------------------------------------------------------------------

class CommentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    member = MemberRefSerializer(read_only=True)

    class Meta:
        model = DraftComment
        fields = ["id", "member", "text", "created_at"]
        read_only_fields = ["id", "member", "created_at"]

    text = StrictCharField(max_length=2000)


# --- Roster and organisations ---------------------------------------------------------------------------

class RosterMemberSerializer(serializers.Serializer):
    """One line of a cell's rolls (a membership of the cell, with its member)."""

    id = serializers.UUIDField(source="member.public_id")
    full_name = serializers.CharField(source="member.full_name")
    role = serializers.ChoiceField(choices=Role.choices)
    membership = serializers.ChoiceField(choices=CellMembership.Kind.choices, source="kind")
    status = serializers.ChoiceField(choices=MemberStatus.choices, source="member.status")
    status_since = serializers.DateField(source="member.status_since", allow_null=True)
    gender = serializers.ChoiceField(choices=Member.Gender.choices, allow_blank=True, source="member.gender")
    date_of_birth = serializers.DateField(source="member.date_of_birth", allow_null=True)
    phone = serializers.CharField(source="member.phone")
    email = serializers.CharField(source="member.email")
    party_card_number = serializers.CharField(source="member.party_card_number", allow_null=True)
    admission_date = serializers.DateField(source="member.admission_date", allow_null=True)
    official_date = serializers.DateField(source="member.official_date", allow_null=True)
    far_from_home = serializers.BooleanField(source="member.far_from_home")
    away_to = serializers.SerializerMethodField(
        help_text="A home member on temporary transfer: the cell or organisation attended meanwhile.")
    comes_from = serializers.SerializerMethodField(
        help_text="A member attending here temporarily: their home cell or organisation.")

    def get_away_to(self, membership) -> str | None:
        away = membership.kind == CellMembership.Kind.HOME and membership.member.status == MemberStatus.TEMPORARY_TRANSFER
        return (membership.away_to or None) if away else None

    def get_comes_from(self, membership) -> str | None:
        return (membership.comes_from or None) if membership.kind == CellMembership.Kind.TEMPORARY else None


class RosterFilterSerializer(serializers.Serializer):
    q = SearchField(max_length=100, required=False, allow_blank=True,
                        help_text="Words of the name (accents ignored), or digits of a card or phone number.")
    status = serializers.ChoiceField(
        choices=[(RosterFilter.OFFICIAL, "official"), (RosterFilter.PROBATIONARY, "probationary"),
                 (RosterFilter.EXEMPT, "exempt"), (RosterFilter.AWAY, "away"), (RosterFilter.ATTENDING, "attending")],
        required=False, help_text="away: home members on temporary transfer elsewhere; attending: members of "
                                  "elsewhere attending here.")


class OrganizationSerializer(OrganizationRefSerializer):
    parent = CellRefSerializer(allow_null=True, help_text="The organisation above (id and name).")
    is_cell = serializers.BooleanField()



MONTH = re.compile(r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")


@extend_schema_field({"type": "string", "pattern": MONTH.pattern, "example": "2026-05"})
class MonthField(serializers.Field):
    """A month as YYYY-MM (2000-01 to 2100-12), read as its first day."""

    default_error_messages = {"invalid": _("Write the month as YYYY-MM, e.g. 2026-05.")}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not MONTH.fullmatch(data):
            self.fail("invalid")
        return dt.date(int(data[:4]), int(data[5:]), 1)

    def to_representation(self, value):
        return f"{value:%Y-%m}"


# --- Dashboard figures (reports.selectors, read from the roll-up tables) -------------------------------

class FiguresSerializer(serializers.Serializer):
    """reports.figures.Figures: what a dashboard shows for a period, its rates included."""

    cells_due = serializers.IntegerField(help_text="Cells that owed a regular meeting.")
    regular_held = serializers.IntegerField()
    regular_on_time = serializers.IntegerField()
    regular_late = serializers.IntegerField()
    regular_missed = serializers.IntegerField()
    thematic_held = serializers.IntegerField()
    thematic_quarter = serializers.IntegerField(source="thematic",
                                                help_text="Cells with a thematic meeting in the quarter so far.")
    meetings_held = serializers.IntegerField()
    documents_due = serializers.IntegerField(help_text="Meetings whose documents were due (posted, or the deadline passed).")
    documents_on_time = serializers.IntegerField()
    minutes_due = serializers.IntegerField(help_text="Held meetings whose minutes were due (finished, or the deadline passed).")
    minutes_on_time = serializers.IntegerField()
    summoned = serializers.IntegerField()
    present = serializers.IntegerField()
    excused = serializers.IntegerField()
    unexcused = serializers.IntegerField()
    members_at_risk = serializers.IntegerField(help_text="At the end of the month.")
    members_to_remove = serializers.IntegerField(help_text="At the end of the month.")
    last_meeting_at = serializers.DateTimeField(allow_null=True)
    members = serializers.IntegerField(allow_null=True, help_text="Now (null for a past month), as on the dashboard.")
    members_with_account = serializers.IntegerField(allow_null=True)
    members_signed_in = serializers.IntegerField(allow_null=True)
    members_opened_notices = serializers.IntegerField(allow_null=True)
    attendance_rate = PercentField(help_text="present / summoned, in %; null if nobody was summoned.")
    on_time_rate = PercentField(
        help_text="Regular meetings held on their scheduled date / cells that owed one, in %; null if none was due.")
    documents_rate = PercentField(help_text="documents_on_time / documents_due, in %; null if none was due.")
    minutes_rate = PercentField(help_text="minutes_on_time / minutes_due, in %; null if none was due.")


class MonthFiguresSerializer(FiguresSerializer):
    """One month of one organisation's subtree (sums over its cells) or of one cell."""

    month = serializers.DateField(source="extra.month", help_text="The first day of the month.")


class CellMonthSerializer(MonthFiguresSerializer):
    cell = serializers.SerializerMethodField()
    regular_scheduled_date = serializers.DateField(source="extra.regular_scheduled_date", allow_null=True)
    regular_held_on = serializers.DateField(source="extra.regular_held_on", allow_null=True)

    @extend_schema_field(CellRefSerializer)
    def get_cell(self, figures) -> dict:
        return {"id": figures.extra["unit_public_id"], "name": figures.extra["unit_name"]}


class MonthRangeSerializer(serializers.Serializer):
    month_from = MonthField(required=False, help_text="First month (YYYY-MM); default: eleven months before the last.")
    month_to = MonthField(required=False, help_text="Last month (YYYY-MM); default, and at the latest: this month.")

    def validate(self, attrs):
        if attrs.get("month_from") and attrs.get("month_to") and attrs["month_from"] > attrs["month_to"]:
            raise serializers.ValidationError({"month_to": _("The end month is before the start month.")})
        return attrs


class MonthSerializer(serializers.Serializer):
    month = MonthField(required=False, help_text="The month (YYYY-MM); default: this month.")
