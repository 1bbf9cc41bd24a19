from django.urls import path

from notifications import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notifications_read_all, name="inbox_read_all"),
    path("inbox/<uuid:notification_id>/read/", views.notification_read, name="inbox_read"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("settings/notifications/address/", views.notification_address_retry, name="notification_address_retry"),
    path("settings/notifications/push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("settings/notifications/push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("operator/deliveries/", views.delivery_operator, name="delivery_operator"),
    path("operator/deliveries/send-again/", views.delivery_operator_send_again, name="delivery_operator_send_again"),
    # Same path as Django's own view (included after this file), which this one wraps.
    path("i18n/setlang/", views.set_language, name="set_language"),
]
