"""Petitions in the admin: shown, never edited here (petitions.services writes every step)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from petitions.models import Petition, PetitionCategory, PetitionStep


@admin.register(PetitionCategory)
class PetitionCategoryAdmin(ReadOnlyAdmin):
    list_display = ("name", "name_en", "due_days", "is_active")


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ("title", "sender", "holder", "category", "status", "raised_on", "due_on")
    list_filter = ("status", "category")
    search_fields = ("title",)


@admin.register(PetitionStep)
class PetitionStepAdmin(ReadOnlyAdmin):
    list_display = ("petition", "kind", "at", "organization", "actor_name")
    list_filter = ("kind",)
