"""The member's notifications (the same inbox as /inbox/): list, mark one or all read."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.views.base import ApiView
from notifications.models import Notification
from notifications.selectors import get_notification_for_owner, inbox_for
from notifications.services.inbox import notification_mark_read, notifications_mark_all_read

TAG = "Notifications"


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    link = serializers.SerializerMethodField(help_text="An absolute address on the site, or null.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "created_at", "read_at"]
        read_only_fields = fields

    def get_link(self, notification) -> str | None:
        request = self.context.get("request")
        if not notification.link:
            return None
        return request.build_absolute_uri(notification.link) if request else notification.link


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, help_text="true: only unread ones.")


class NotificationsView(ApiView):
    @extend_schema(tags=[TAG], operation_id="notifications", summary="My notifications, newest first",
                   parameters=[NotificationFilterSerializer], responses=NotificationSerializer(many=True))
    def get(self, request):
        filters = self.valid(NotificationFilterSerializer, request.query_params)
        qs = inbox_for(request.user)
        if filters.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return self.paginated(qs, NotificationSerializer)


class NotificationReadView(ApiView):
    @extend_schema(tags=[TAG], operation_id="notification_read", summary="Mark one notification read",
                   request=None, responses={200: NotificationSerializer})
    def post(self, request, notification_id):
        notification = get_notification_for_owner(request.user, notification_id)
        notification_mark_read(user=request.user, notification=notification)
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification, context=self.get_serializer_context()).data)


class NotificationsReadAllView(ApiView):
    @extend_schema(tags=[TAG], operation_id="notifications_read_all", summary="Mark all my notifications read",
                   request=None, responses={204: OpenApiResponse(description="Done (nothing was unread: the same).")})
    def post(self, request):
        notifications_mark_all_read(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
