"""URLs of the tree pages (the committee that runs the tree under it)."""

from django.urls import path

from cells import views

urlpatterns = [
    path("tree/", views.tree_home, name="tree_home"),
    path("tree/<uuid:org_id>/", views.tree_org, name="tree_org"),
    path("tree/<uuid:org_id>/new/", views.tree_create, name="tree_create"),
    path("tree/<uuid:org_id>/rename/", views.tree_rename, name="tree_rename"),
    path("tree/<uuid:org_id>/close/", views.tree_close, name="tree_close"),
    path("tree/<uuid:org_id>/move/", views.tree_move, name="tree_move"),
    path("tree/<uuid:org_id>/merge/", views.tree_merge, name="tree_merge"),
    path("tree/<uuid:org_id>/split/", views.tree_split, name="tree_split"),
    path("tree/<uuid:org_id>/settings/", views.tree_settings, name="tree_settings"),
    path("tree/<uuid:org_id>/seats/", views.tree_seats, name="tree_seats"),
    path("tree/<uuid:org_id>/seats/<str:what>/<int:row_id>/end/", views.tree_term_end, name="tree_term_end"),
    path("tree/<uuid:org_id>/history/", views.tree_history, name="tree_history"),
    path("tree/<uuid:org_id>/history/<int:change_id>/undo/", views.tree_undo, name="tree_undo"),
]
