"""The meetings' documents and adopted resolutions in the document library (library.services).

Each change of a meeting's documents or minutes asks (meetings.followups, on commit) for
`meeting_sync`; `manage.py library_reindex` runs `reindex` over every meeting. Entries sit
under the meeting's cell, so the library shows them to whoever opens the meeting page; a
resolution only once the minutes are complete (when the cell's members may read them), and
never a draft whose vote failed."""

from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from library import sources
from library.models import LibraryEntry
from library.services import EntryData, entries_prune, entries_put_many
from meetings import rules
from meetings.minutes_document import meeting_heading
from meetings.models import Attendance, Meeting, MeetingDocument, Minutes
from meetings.services.minutes import VoteResult

SOURCE_PREFIX = "meetings.meeting:"
_KIND = {
    MeetingDocument.Kind.RESOLUTION: LibraryEntry.Kind.RESOLUTION,
    MeetingDocument.Kind.OTHER: LibraryEntry.Kind.OTHER,
}


def _prefix(meeting_id: int) -> str:
    return f"{SOURCE_PREFIX}{meeting_id}:"


def _document_entry(document: MeetingDocument, meeting: Meeting) -> EntryData:
    return EntryData(
        source_key=f"{_prefix(meeting.pk)}document:{document.pk}", organization_id=meeting.cell_id,
        kind=_KIND.get(document.kind, LibraryEntry.Kind.MEETING_DOCUMENT), title=document.title,
        issued_by=meeting.cell.name, issued_on=timezone.localdate(document.uploaded_at), file=document.file,
        url=reverse("meeting_detail", args=[meeting.public_id]),
    )


def _resolution_entry(minutes: Minutes, meeting: Meeting, official_summoned: int) -> EntryData | None:
    vote = VoteResult(minutes.votes_for, minutes.votes_against, minutes.votes_abstain, official_summoned)
    if minutes.finalized_at is None or not minutes.resolution.strip() or vote.failed:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # the library's titles are data, in Vietnamese
        title = (_("Resolution No. %(number)s-NQ/CB") % {"number": minutes.number} if minutes.number
                 else _("Resolution"))
        title = f"{title} — {meeting_heading(meeting)}"
    return EntryData(
        source_key=f"{_prefix(meeting.pk)}resolution", organization_id=meeting.cell_id,
        kind=LibraryEntry.Kind.RESOLUTION, title=title, issued_by=meeting.cell.name,
        issued_on=timezone.localdate(minutes.finalized_at), text=minutes.resolution,
        url=reverse("minutes_print", args=[meeting.public_id]),
    )


def _entries(meetings: list[Meeting]) -> list[EntryData]:
    """The library entries of these meetings (documents and minutes prefetched)."""
    # The vote base matters only where a vote was held (meetings.services.minutes.VoteResult).
    ids = [m.pk for m in meetings if (minutes := getattr(m, "finished_minutes", None))
           and minutes.votes_for + minutes.votes_against + minutes.votes_abstain]
    bases = defaultdict(list)
    for row in Attendance.objects.filter(meeting_id__in=ids).values_list("meeting_id", "basis", "was_official",
                                                                          named=True):
        bases[row.meeting_id].append(row)
    entries = []
    for meeting in meetings:
        entries.extend(_document_entry(document, meeting) for document in meeting.documents.all())
        if getattr(meeting, "finished_minutes", None):
            entry = _resolution_entry(meeting.finished_minutes, meeting,
                                      rules.official_summoned(bases[meeting.pk]))
            if entry is not None:
                entries.append(entry)
    return entries


def meeting_sync(meeting_id: int) -> None:
    """Put the meeting's documents and adopted resolution in the library; take out what is gone."""
    meeting = Meeting.objects.select_related("cell").filter(pk=meeting_id).first()
    entries = []
    if meeting is not None:
        minutes = Minutes.objects.filter(meeting=meeting, finalized_at__isnull=False).first()
        meeting.finished_minutes = minutes
        entries = _entries([meeting])
    entries_put_many(entries)
    entries_prune(source_prefix=_prefix(meeting_id), keep={e.source_key for e in entries})


def reindex(*, batch: int = 2000) -> int:
    """Every meeting's documents and adopted resolution, in batches; idempotent. Returns how many
    were written (none when nothing changed)."""
    keep, count = set(), 0
    with_documents = MeetingDocument.objects.order_by().values_list("meeting_id", flat=True).distinct()
    with_minutes = Minutes.objects.filter(finalized_at__isnull=False).values_list("meeting_id", flat=True)
    meeting_ids = sorted({*with_documents, *with_minutes})
    for start in range(0, len(meeting_ids), batch):
        chunk = meeting_ids[start:start + batch]
        meetings = list(Meeting.objects.filter(pk__in=chunk).select_related("cell").prefetch_related("documents"))
        finished = {m.meeting_id: m for m in Minutes.objects.filter(meeting_id__in=chunk, finalized_at__isnull=False)
                    .only("meeting_id", "number", "resolution", "finalized_at", "votes_for", "votes_against",
                          "votes_abstain")}
        for meeting in meetings:
            meeting.finished_minutes = finished.get(meeting.pk)
        entries = _entries(meetings)
        count += entries_put_many(entries)
        keep.update(e.source_key for e in entries)
    entries_prune(source_prefix=SOURCE_PREFIX, keep=keep)
    return count


sources.register("meetings", reindex)
