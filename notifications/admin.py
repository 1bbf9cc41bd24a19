"""The ledger in the admin: read-only history, and a way to send a failed row again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import BadAddress, ChannelPreference, Delivery, DeliveryAttempt, Dispatch, Notification
from notifications.services.dispatch import deliveries_send_again


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = DeliveryAttempt
    fields = ["number", "at", "ok", "permanent", "error"]
    extra = 0


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["key", "kind", "created_at", "fanned_out_at"]
    list_filter = ["kind"]
    search_fields = ["key"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["key", "member", "channel", "status", "attempts", "uncertain", "address", "sent_at", "last_error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["key", "address", "member__full_name"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "dispatch"]
    inlines = [DeliveryAttemptInline]
    actions = ["send_again"]
    show_full_result_count = False

    @admin.action(description=_("Send the selected failed messages again"))
    def send_again(self, request, queryset):
        count = deliveries_send_again(delivery_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        self.message_user(request, ngettext("%(count)d message will be sent again.",
                                            "%(count)d messages will be sent again.", count) % {"count": count},
                          messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["subject", "user", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "user__username"]
    raw_id_fields = ["user", "delivery"]


@admin.register(BadAddress)
class BadAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "channel", "first_seen_at", "last_seen_at", "error"]
    search_fields = ["address"]
    readonly_fields = ["first_seen_at", "last_seen_at", "error"]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "channel", "enabled", "reminders_only", "updated_at"]
    raw_id_fields = ["user"]
