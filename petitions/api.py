"""Petitions in the API for the mobile app: the same selectors, rules and services as the pages,
the same scope (out of scope is a 404). Wired under /api/v1/ by the api app (petitions.api_urls)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.serializers import OrganizationRefSerializer, StrictCharField
from api.views.base import ApiView
from members.access import scope_for
from petitions import rules, selectors
from petitions.models import Petition, PetitionStep
from petitions.services import ACTIONS, petition_raise, petition_reopen

TAG = "Petitions"


class PetitionCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    due_days = serializers.IntegerField(help_text="Days the receiving committee has to resolve it.")


class PetitionStepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PetitionStep.Kind.choices)
    at = serializers.DateTimeField()
    organization = OrganizationRefSerializer()
    to_organization = OrganizationRefSerializer(allow_null=True)
    assignee = serializers.CharField()
    text = serializers.CharField()
    by = serializers.CharField(source="actor_name")


class PetitionAttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()


class PetitionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    category = PetitionCategorySerializer()
    status = serializers.ChoiceField(choices=Petition.Status.choices)
    sender = OrganizationRefSerializer()
    holder = OrganizationRefSerializer()
    raised_on = serializers.DateField()
    due_on = serializers.DateField()
    resolved_on = serializers.DateField(allow_null=True)
    reopened_on = serializers.DateField(allow_null=True)
    assignee = serializers.CharField()
    answer = serializers.CharField(help_text="The latest answer or the resolution; empty until there is one.")
    overdue = serializers.SerializerMethodField()
    age_days = serializers.SerializerMethodField()

    def get_overdue(self, petition) -> bool:
        return rules.is_overdue(petition, timezone.localdate())

    def get_age_days(self, petition) -> int:
        return rules.age_days(petition, timezone.localdate())


class PetitionDetailSerializer(PetitionSerializer):
    text = serializers.CharField()
    meeting = serializers.UUIDField(source="meeting.public_id", allow_null=True, default=None)
    steps = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="What the caller may do now.")

    def get_steps(self, petition) -> PetitionStepSerializer(many=True):
        steps = petition.steps.select_related("organization", "to_organization")
        return PetitionStepSerializer(steps, many=True).data

    def get_attachments(self, petition) -> PetitionAttachmentSerializer(many=True):
        return PetitionAttachmentSerializer(petition.attachments.all(), many=True).data

    def get_actions(self, petition) -> list[str]:
        scope = scope_for(self.context["request"].user)
        actions = rules.holder_actions(scope, petition)
        return [*actions, rules.REOPEN] if rules.may_reopen(scope, petition) else actions


class PetitionStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=selectors.STATES, required=False,
                                    help_text="unresolved (the default), overdue, held (here), resolved or all.")


class PetitionRaiseSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=40, help_text="A category code (GET /petition-categories/).")
    title = StrictCharField(max_length=200)
    text = StrictCharField(max_length=10000)
    meeting = serializers.UUIDField(required=False, allow_null=True,
                                    help_text="One of the sender's own meetings of the last year.")


# Named in the schema as PetitionActionEnum (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ACT_CHOICES = [*ACTIONS, rules.REOPEN]


class PetitionActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACT_CHOICES)
    text = StrictCharField(max_length=10000, required=False, allow_blank=True, default="",
                           help_text="The answer, the resolution, a note, or the reason to reopen.")
    assignee = StrictCharField(max_length=200, required=False, allow_blank=True, default="",
                               help_text="assign: a person or a body.")
    member = serializers.UUIDField(required=False, allow_null=True, default=None,
                                   help_text="assign: one of the holder's committee members.")


class PetitionFiguresSerializer(serializers.Serializer):
    unresolved = serializers.IntegerField()
    overdue = serializers.IntegerField()
    long_unresolved = serializers.IntegerField(help_text="Unresolved for more than `days` days.")
    resolved = serializers.IntegerField()
    days = serializers.IntegerField()


def _detail(view, petition):
    petition = selectors.get_petition_for_viewer(view.scope, petition.public_id)  # as it is now
    return PetitionDetailSerializer(petition, context=view.get_serializer_context()).data


class CategoriesView(ApiView):
    pagination_class = None

    @extend_schema(tags=[TAG], operation_id="petition_categories", summary="Petition categories and their due days",
                   responses=PetitionCategorySerializer(many=True))
    def get(self, request):
        return Response(PetitionCategorySerializer(selectors.categories(), many=True).data)


class PetitionsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="petitions_list",
                   summary="Petitions I may read: my cell's or committee's, and those raised under my committees",
                   parameters=[PetitionStateSerializer], responses=PetitionSerializer(many=True))
    def get(self, request):
        state = self.valid(PetitionStateSerializer, request.query_params).get("state", "all")
        qs = selectors.petitions_visible(self.scope)
        today = timezone.localdate()
        if state == "unresolved":
            qs = qs.filter(rules.unresolved_q())
        elif state == "overdue":
            qs = qs.filter(rules.overdue_q(today))
        elif state == "resolved":
            qs = qs.filter(~rules.unresolved_q())
        elif state == "held":
            qs = qs.filter(rules.unresolved_q(), holder_id__in=rules.seat_organization_ids(self.scope))
        return self.paginated(qs.order_by("-raised_on", "-id"), PetitionSerializer)


class PetitionDetailView(ApiView):
    @extend_schema(tags=[TAG], operation_id="petition_detail", summary="A petition with its steps",
                   responses=PetitionDetailSerializer)
    def get(self, request, petition_id):
        return Response(_detail(self, selectors.get_petition_for_viewer(self.scope, petition_id)))


class PetitionActView(ApiView):
    @extend_schema(tags=[TAG], operation_id="petition_act",
                   summary="Assign, answer, forward or resolve (the holder's committee); reopen (the sender, once)",
                   request=PetitionActSerializer, responses=PetitionDetailSerializer)
    def post(self, request, petition_id):
        data = self.valid(PetitionActSerializer, request.data)
        action = data.pop("action")
        if action == rules.REOPEN:
            petition = selectors.get_petition_to_reopen(self.scope, petition_id)
            petition_reopen(petition=petition, actor=request.user, reason=data["text"])
            return Response(_detail(self, petition))
        petition = selectors.get_petition_to_act(self.scope, petition_id)
        fields = {"text": data["text"]}
        if action == rules.ASSIGN:
            member = None
            if data["member"] is not None:
                member = selectors.holder_members(petition.holder).filter(public_id=data["member"]).first()
                if member is None:
                    raise serializers.ValidationError({"member": [_("Choose one of the holder's committee members.")]})
            fields.update(assignee=data["assignee"], member=member)
        ACTIONS[action](petition=petition, actor=request.user, **fields)
        return Response(_detail(self, petition))


class OrganizationPetitionsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="organization_petitions_sent",
                   summary="Petitions raised by an organisation I speak for (its officers or committee)",
                   responses=PetitionSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_sender(self.scope, organization_id)
        return self.paginated(selectors.sent_by(org), PetitionSerializer)

    @extend_schema(tags=[TAG], operation_id="petition_raise",
                   summary="Raise a petition to the level above (the cell's officers, the committee's members)",
                   request=PetitionRaiseSerializer, responses={201: PetitionDetailSerializer})
    def post(self, request, organization_id):
        org = selectors.get_sender(self.scope, organization_id)
        data = self.valid(PetitionRaiseSerializer, request.data)
        category = selectors.categories().filter(code=data["category"]).first()
        if category is None:
            raise serializers.ValidationError({"category": [_("Choose one of the categories.")]})
        meeting = None
        if data.get("meeting"):
            meeting = selectors.sender_meetings(org).filter(public_id=data["meeting"]).first()
            if meeting is None:
                raise serializers.ValidationError({"meeting": [_("Choose one of this organisation's own meetings.")]})
        petition = petition_raise(sender=org, category=category, title=data["title"], text=data["text"],
                                  meeting=meeting, actor=request.user)
        return Response(_detail(self, petition), status=status.HTTP_201_CREATED)


class OrganizationPetitionsReceivedView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_petitions_received",
                   summary="Petitions raised in a committee's subtree, in one state, oldest open first",
                   parameters=[PetitionStateSerializer], responses=PetitionSerializer(many=True))
    def get(self, request, organization_id):
        org = selectors.get_committee_org(self.scope, organization_id)
        state = self.valid(PetitionStateSerializer, request.query_params).get("state", "unresolved")
        return self.paginated(selectors.committee_list(org, state=state), PetitionSerializer)


class OrganizationPetitionFiguresView(ApiView):
    @extend_schema(tags=["Committee"], operation_id="organization_petition_figures",
                   summary="The dashboard's petition figures over a committee's subtree", responses=PetitionFiguresSerializer)
    def get(self, request, organization_id):
        org = selectors.get_committee_org(self.scope, organization_id)
        return Response(PetitionFiguresSerializer(selectors.dashboard_figures(org)).data)
