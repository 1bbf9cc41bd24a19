"""The signed-in member: record, cells and roles; their calendar address."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.selectors import my_memberships, my_seats
from api.serializers import CalendarFeedSerializer, MeSerializer
from api.views.base import ApiView
from meetings.selectors import get_member_for_scope
from meetings.services.calendar import calendar_feed_get_or_create, calendar_feed_reset


class MeView(ApiView):
    @extend_schema(tags=["Me"], operation_id="me", summary="My account, record, cells and committee seats",
                   responses=MeSerializer)
    def get(self, request):
        scope, user = self.scope, request.user
        return Response(MeSerializer({
            "username": user.username, "email": user.email, "language": user.language,
            "is_superuser": user.is_superuser, "member": get_member_for_scope(scope),
            "cells": my_memberships(scope), "committee_seats": my_seats(scope),
        }, context=self.get_serializer_context()).data)


def _feed_response(feed):
    url = settings.SITE_URL + reverse("calendar_feed", kwargs={"token": feed.token})
    return Response(CalendarFeedSerializer({"url": url, "webcal_url": urlunsplit(("webcal", *urlsplit(url)[1:]))}).data)


class MemberCalendarView(ApiView):
    # An account without a member record has no meetings to subscribe to (see api.schema).
    may_be_not_found = True

    def member(self):
        member = get_member_for_scope(self.scope)
        if member is None:
            raise Http404
        return member


class MyCalendarView(MemberCalendarView):
    @extend_schema(tags=["Me"], operation_id="my_calendar", summary="My calendar feed address",
                   description="Created on first use (the same address afterwards). 404 for an account "
                               "without a member record.",
                   responses=CalendarFeedSerializer)
    def get(self, request):
        return _feed_response(calendar_feed_get_or_create(member=self.member(), actor=request.user))


class MyCalendarResetView(MemberCalendarView):
    @extend_schema(tags=["Me"], operation_id="my_calendar_reset", summary="Give me a new calendar address",
                   description="The old address stops working at once (e.g. after sharing it by mistake).",
                   request=None, responses={200: CalendarFeedSerializer})
    def post(self, request):
        return _feed_response(calendar_feed_reset(member=self.member(), actor=request.user))
