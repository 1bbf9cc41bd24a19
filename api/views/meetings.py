"""Meetings: my list, a cell's list, detail, scheduling, postponing, cancelling, the roll call,
documents, the draft's comments and advance excuses."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.selectors import cell_meetings, draft_comments, meeting_detail, my_meetings
from api.serializers import (
    CommentSerializer,
    ExcuseSerializer,
    MeetingCancelSerializer,
    MeetingDetailSerializer,
    MeetingFilterSerializer,
    MeetingPostponeSerializer,
    MeetingScheduleSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    RollCallInputSerializer,
    RollCallSerializer,
)
from api.views.base import ApiView
from meetings.roll_call_selectors import attendance_summary, meeting_for_roll_call, roll_call_sheet
from meetings.selectors import (
    get_document_for_viewer,
    get_meeting_for_manager,
    get_meeting_for_viewer,
    get_member_for_scope,
)
from meetings.services.discussion import draft_comment_add
from meetings.services.documents import download_filename
from meetings.services.excuses import excuse_submit, excuse_withdraw
from meetings.services.roll_call import CLEAR, IDEMPOTENCY_KEY, attendance_record, roll_call_problem
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule, meeting_update
from members.access import get_cell_for_manager, get_cell_for_viewer

TAG = "Meetings"


class MeetingView(ApiView):
    """Answers with the meeting's full detail, as the caller sees it."""

    def detail_response(self, public_id, code=status.HTTP_200_OK):
        return Response(MeetingDetailSerializer(meeting_detail(self.scope, public_id),
                                                context=self.get_serializer_context()).data, status=code)


def _my_member(scope):
    member = get_member_for_scope(scope)
    if member is None:
        raise ValidationError(_("This account has no member record."))
    return member


class MyMeetingsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="my_meetings", summary="Meetings of my cells",
                   parameters=[MeetingFilterSerializer], responses=MeetingSerializer(many=True))
    def get(self, request):
        filters = self.valid(MeetingFilterSerializer, request.query_params)
        return self.paginated(my_meetings(self.scope, **filters), MeetingSerializer)


class CellMeetingsView(MeetingView):
    @extend_schema(tags=[TAG], operation_id="cell_meetings", summary="Meetings of a cell I belong to, manage or oversee",
                   parameters=[MeetingFilterSerializer], responses=MeetingSerializer(many=True))
    def get(self, request, cell_id):
        cell = get_cell_for_viewer(self.scope, cell_id)
        filters = self.valid(MeetingFilterSerializer, request.query_params)
        return self.paginated(cell_meetings(self.scope, cell, **filters), MeetingSerializer)

    @extend_schema(tags=[TAG], operation_id="meeting_schedule", summary="Schedule a meeting (cell officers)",
                   description="A cell has one regular meeting a month: a second one is 400 on `starts_at`.",
                   request=MeetingScheduleSerializer, responses={201: MeetingDetailSerializer})
    def post(self, request, cell_id):
        cell = get_cell_for_manager(self.scope, cell_id)
        data = self.valid(MeetingScheduleSerializer, request.data)
        meeting = meeting_schedule(cell=cell, actor=request.user, **data)
        return self.detail_response(meeting.public_id, status.HTTP_201_CREATED)


class MeetingDetailView(MeetingView):
    @extend_schema(tags=[TAG], operation_id="meeting_detail",
                   summary="A meeting: agenda, documents, draft resolution, my excuse",
                   responses=MeetingDetailSerializer)
    def get(self, request, meeting_id):
        return self.detail_response(meeting_id)

    @extend_schema(tags=[TAG], operation_id="meeting_update", summary="Change a planned meeting (cell officers)",
                   request=MeetingUpdateSerializer, responses=MeetingDetailSerializer)
    def patch(self, request, meeting_id):
        meeting = get_meeting_for_manager(self.scope, meeting_id)
        meeting_update(meeting=meeting, actor=request.user, **self.valid(MeetingUpdateSerializer, request.data))
        return self.detail_response(meeting_id)


class MeetingPostponeView(MeetingView):
    @extend_schema(tags=[TAG], operation_id="meeting_postpone", summary="Postpone a meeting (cell officers)",
                   request=MeetingPostponeSerializer, responses=MeetingDetailSerializer)
    def post(self, request, meeting_id):
        meeting = get_meeting_for_manager(self.scope, meeting_id)
        meeting_postpone(meeting=meeting, actor=request.user, **self.valid(MeetingPostponeSerializer, request.data))
        return self.detail_response(meeting_id)


class MeetingCancelView(MeetingView):
    @extend_schema(tags=[TAG], operation_id="meeting_cancel", summary="Cancel a meeting (cell officers)",
                   request=MeetingCancelSerializer, responses=MeetingDetailSerializer)
    def post(self, request, meeting_id):
        meeting = get_meeting_for_manager(self.scope, meeting_id)
        meeting_cancel(meeting=meeting, actor=request.user, **self.valid(MeetingCancelSerializer, request.data))
        return self.detail_response(meeting_id)


class RollCallView(ApiView):
    """The roll-call page's sheet, summary and access (meetings.roll_call_selectors), and its service."""

    def roll_call(self, meeting, can_write):
        sheet = roll_call_sheet(meeting)
        return Response(RollCallSerializer({
            "recorded_at": meeting.roll_call_recorded_at, "problem": roll_call_problem(meeting),
            "can_write": can_write, "entries": sheet.rows(), "summary": attendance_summary(sheet),
        }).data)

    @extend_schema(tags=[TAG], operation_id="roll_call",
                   summary="The roll call of a meeting (cell officers; the committees above read it)",
                   description="Every summoned member, then exempt members (who may be marked present), "
                               "with what was recorded, why each is on it and any advance excuse; and the "
                               "attendance summary of the minutes.",
                   responses=RollCallSerializer)
    def get(self, request, meeting_id):
        return self.roll_call(*meeting_for_roll_call(self.scope, meeting_id))

    @extend_schema(
        tags=[TAG], operation_id="roll_call_submit", summary="Submit or correct the roll call (cell officers)",
        description="Idempotent: sending the same roll call again changes nothing. With an `Idempotency-Key` "
                    "header, a submission whose key was already received is not applied again at all (so a late "
                    "retry cannot undo a later correction). Members not named keep what was recorded; a null "
                    "status clears a member's mark. The first submission freezes who was summoned. The roll "
                    "call opens one hour before the meeting.",
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description="8 to 64 letters, digits, - or _; one per submission (e.g. a random UUID's hex).",
            pattern=IDEMPOTENCY_KEY.pattern,
        )],
        request=RollCallInputSerializer, responses=RollCallSerializer,
    )
    def put(self, request, meeting_id):
        meeting, can_write = meeting_for_roll_call(self.scope, meeting_id)
        if not can_write:
            raise Http404
        entries = self.valid(RollCallInputSerializer, request.data)["entries"]
        rows = roll_call_sheet(meeting).by_public_id()
        unknown = {f"entries.{i}.member_id": [_("This member is not summoned to this meeting.")]
                   for i, entry in enumerate(entries) if str(entry["member_id"]) not in rows}
        if unknown:
            raise ValidationError(unknown)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise ValidationError({"Idempotency-Key": _("Use 8 to 64 letters, digits, “-” or “_”.")})
        attendance_record(
            meeting=meeting, actor=request.user, idempotency_key=key or "",
            entries={rows[str(e["member_id"])].member.pk: (e["status"] or CLEAR, e["reason"]) for e in entries},
        )
        meeting.refresh_from_db(fields=["roll_call_recorded_at", "status"])
        return self.roll_call(meeting, can_write)


class DocumentDownloadView(ApiView):
    @extend_schema(
        tags=[TAG], operation_id="document_download", summary="Download a meeting document",
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")},
    )
    def get(self, request, meeting_id, document_id):
        document = get_document_for_viewer(self.scope, document_id)
        if document.meeting.public_id != meeting_id:
            raise Http404
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        # Django writes the name both as ASCII and as UTF-8 (RFC 6266), so Vietnamese titles survive.
        response = FileResponse(handle, as_attachment=True, filename=download_filename(document),
                                content_type=document.content_type)
        response["Cache-Control"] = "private, no-store"
        return response


class CommentsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="comments_list", summary="Comments on the draft resolution, oldest first",
                   responses=CommentSerializer(many=True))
    def get(self, request, meeting_id):
        meeting = get_meeting_for_viewer(self.scope, meeting_id)
        return self.paginated(draft_comments(meeting), CommentSerializer)

    @extend_schema(tags=[TAG], operation_id="comment_add", summary="Comment on the draft resolution",
                   description="Members of the meeting's cell, until the meeting starts.",
                   request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, meeting_id):
        meeting = get_meeting_for_viewer(self.scope, meeting_id)
        data = self.valid(CommentSerializer, request.data)
        comment = draft_comment_add(meeting=meeting, member=_my_member(self.scope), text=data["text"], actor=request.user)
        return Response(CommentSerializer(comment, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class ExcuseView(ApiView):
    @extend_schema(tags=[TAG], operation_id="excuse_send", summary="Excuse myself from a meeting in advance",
                   description="Sending again replaces the reason. Only members summoned to the meeting, "
                               "before it starts.",
                   request=ExcuseSerializer, responses=ExcuseSerializer)
    def put(self, request, meeting_id):
        meeting = get_meeting_for_viewer(self.scope, meeting_id)
        data = self.valid(ExcuseSerializer, request.data)
        excuse = excuse_submit(meeting=meeting, member=_my_member(self.scope), reason=data["reason"], actor=request.user)
        return Response(ExcuseSerializer(excuse).data)

    @extend_schema(tags=[TAG], operation_id="excuse_withdraw", summary="Withdraw my advance excuse",
                   request=None, responses={204: OpenApiResponse(description="Withdrawn (or there was none).")})
    def delete(self, request, meeting_id):
        meeting = get_meeting_for_viewer(self.scope, meeting_id)
        excuse_withdraw(meeting=meeting, member=_my_member(self.scope), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
