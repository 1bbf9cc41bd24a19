"""Consultations in the API for the mobile app: the open drafts for my cells, my cell's
comments (and mine added), my cell's summary. The same selectors and scope as the pages:
out of scope is a 404. Wired under /api/v1/ by the api app (consultations.api_urls)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.serializers import MemberRefSerializer, OrganizationRefSerializer, StrictCharField
from api.views.base import ApiView
from consultations import rules, selectors
from consultations.models import Consultation, ConsultationSummary
from consultations.services import MAX_COMMENT, comment_add

TAG = "Consultations"


class ConsultationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    summary = serializers.CharField()
    issuing_body = serializers.CharField()
    organization = OrganizationRefSerializer(help_text="The organisation that put the draft to its cells")
    closing_on = serializers.DateField()
    status = serializers.ChoiceField(choices=Consultation.Status.choices)
    comments_open = serializers.SerializerMethodField()
    has_attachment = serializers.SerializerMethodField()

    def get_comments_open(self, consultation) -> bool:
        return rules.is_open_for_comments(consultation)

    def get_has_attachment(self, consultation) -> bool:
        return bool(consultation.attachment)


class ConsultationCommentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    member = MemberRefSerializer(read_only=True)
    text = StrictCharField(max_length=MAX_COMMENT)
    created_at = serializers.DateTimeField(read_only=True)


class SummaryPointSerializer(serializers.Serializer):
    comment = serializers.UUIDField(source="comment.public_id", allow_null=True, default=None)
    taken = serializers.BooleanField()
    group = serializers.CharField()


class CellSummarySerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    status = serializers.ChoiceField(choices=ConsultationSummary.Status.choices)
    text = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    points = SummaryPointSerializer(many=True, help_text="The cell's comments, taken or not, with their group")


def _comment_cell(scope, consultation):
    cell = selectors.comment_cell(scope, consultation)
    if cell is None:
        raise Http404
    return cell


class OpenConsultationsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="consultations_open", summary="Drafts open for my cells' comments",
                   responses=ConsultationSerializer(many=True))
    def get(self, request):
        return self.paginated(selectors.open_for_member(self.scope).order_by("closing_on", "pk"),
                              ConsultationSerializer)


class ConsultationCommentsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="consultation_comments", summary="My cell's comments on a draft",
                   responses=ConsultationCommentSerializer(many=True))
    def get(self, request, consultation_id):
        consultation = selectors.get_consultation_for_viewer(self.scope, consultation_id)
        cell = _comment_cell(self.scope, consultation)
        return self.paginated(selectors.cell_comments(consultation, cell), ConsultationCommentSerializer)

    @extend_schema(tags=[TAG], operation_id="consultation_comment_add", summary="Comment on a draft",
                   description="Members of a cell under the publisher, while the draft is open and until "
                               "the cell's summary is sent.",
                   request=ConsultationCommentSerializer, responses={201: ConsultationCommentSerializer})
    def post(self, request, consultation_id):
        consultation = selectors.get_consultation_for_viewer(self.scope, consultation_id)
        cell = _comment_cell(self.scope, consultation)
        data = self.valid(ConsultationCommentSerializer, request.data)
        comment = comment_add(consultation=consultation, member=selectors.my_member(self.scope), cell=cell,
                              text=data["text"], actor=request.user)
        return Response(ConsultationCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CellSummaryView(ApiView):
    @extend_schema(tags=[TAG], operation_id="consultation_cell_summary",
                   summary="My cell's summary of the comments (once sent; officers see the draft too)",
                   responses=CellSummarySerializer)
    def get(self, request, consultation_id):
        consultation = selectors.get_consultation_for_viewer(self.scope, consultation_id)
        cell = _comment_cell(self.scope, consultation)
        summary = selectors.summary_of(consultation, cell)
        if not selectors.summary_readable(self.scope, cell, summary):
            raise Http404
        points = list(summary.points.select_related("comment"))
        return Response(CellSummarySerializer({
            "organization": cell, "status": summary.status, "text": summary.text, "sent_at": summary.sent_at,
            "points": points}).data)
