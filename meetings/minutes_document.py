"""The minutes and resolution as a Vietnamese administrative document: HTML for print, PDF."""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common import pdf
from meetings.models import Meeting, Minutes
from meetings.roll_call_selectors import attendance_summary, minutes_amendments, roll_call_sheet, roll_call_signers
from meetings.services.minutes import vote_result
from members.models import Role

# "Đảng bộ xã An Phú" → "An Phú": the place of the date line is the locality, not the venue.
_LEADING_WORDS = re.compile(
    r"^(đảng bộ|chi bộ)\s+((xã|phường|thị trấn|thị xã|đặc khu|huyện|quận|thành phố|tỉnh)\s+)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signer:
    title: str
    name: str


def _header_name(name: str, prefix: str) -> str:
    upper = name.upper()
    return upper if upper.startswith(("ĐẢNG BỘ", "CHI BỘ")) else f"{prefix} {upper}"


def place_name(meeting: Meeting) -> str:
    organisation = meeting.cell.parent or meeting.cell
    return _LEADING_WORDS.sub("", organisation.name).strip() or organisation.name


def meeting_heading(meeting: Meeting) -> str:
    """"Sinh hoạt chi bộ thường kỳ tháng 01/2026" and its kin, by kind of meeting."""
    month = meeting.period.strftime("%m/%Y")
    headings = {
        Meeting.Kind.REGULAR: _("Regular cell meeting, month %(month)s"),
        Meeting.Kind.THEMATIC: _("Thematic cell meeting, month %(month)s"),
        Meeting.Kind.COMMITTEE: _("Cell committee meeting, month %(month)s"),
        Meeting.Kind.EXTRAORDINARY: _("Extraordinary cell meeting, month %(month)s"),
        Meeting.Kind.YEAR_END: _("Year-end review meeting, %(year)s"),
    }
    return headings[meeting.kind] % {"month": month, "year": meeting.period.year}


def _signer(minutes: Minutes | None, signers: list[tuple[int, str, str]]) -> Signer:
    """The chair signs on behalf of the cell when they are its secretary or deputy;
    otherwise the secretary does."""
    titles = {Role.SECRETARY: pgettext("signature", "SECRETARY"),
              Role.DEPUTY_SECRETARY: pgettext("signature", "DEPUTY SECRETARY")}
    chair_id = minutes.chair_id if minutes else None
    for member_id, role, name in signers:
        if member_id == chair_id:
            return Signer(titles[role], name)
    if signers:
        _id, role, name = signers[0]
        return Signer(titles[role], name)
    return Signer(titles[Role.SECRETARY], minutes.chair.full_name if minutes and minutes.chair else "")


def document_context(meeting: Meeting, minutes: Minutes | None, *, show_reasons: bool) -> dict:
    """Everything the A4 template shows, computed from the roll call (frozen once saved), the
    minutes and their amendments. A draft resolution whose vote failed is printed within the
    minutes as not adopted, never as a resolution. The reasons of the excused absences are
    printed only for readers who may know them (roll_call_selectors.reads_absence_reasons)."""
    summary = attendance_summary(roll_call_sheet(meeting))
    cell, parent = meeting.cell, meeting.cell.parent
    day = timezone.localdate(meeting.starts_at)
    number = (minutes.number if minutes else "") or "\u00a0" * 6  # left blank to be written by hand
    return {
        "meeting": meeting,
        "minutes": minutes,
        "summary": summary,
        "show_reasons": show_reasons,
        "vote": vote_result(minutes, summary),
        "signer": _signer(minutes, roll_call_signers(meeting)),
        "parent_line": _header_name(parent.name, pgettext("document header", "PARTY COMMITTEE")) if parent else "",
        "cell_line": _header_name(cell.name, pgettext("document header", "CELL")),
        "minutes_number": _("No. %(number)s-BB/CB") % {"number": number},
        "resolution_number": _("No. %(number)s-NQ/CB") % {"number": number},
        "date_line": _("%(place)s, %(day)s/%(month)s/%(year)s") % {
            "place": place_name(meeting), "day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": day.year,
        },
        "heading": meeting_heading(meeting),
        "recipient": parent.name if parent else "",
        "amendments": minutes_amendments(minutes),
    }


def render_pdf(meeting: Meeting, minutes: Minutes | None, *, show_reasons: bool) -> bytes:
    """The same template as the print page, through WeasyPrint (needs Pango from the OS), tagged."""
    html = render_to_string("meetings/minutes_print.html", {**document_context(meeting, minutes, show_reasons=show_reasons),
                                                                "pdf": True})
    return pdf.render_pdf(html, stylesheets=["css/print.css"])
