from django.urls import path

from dondoc.orgs import manage, views

urlpatterns = [
    path("orgs/", views.org_list, name="org-list"),
    path("orgs/new/", manage.org_create, name="org-create"),
    path("orgs/<int:pk>/", views.org_detail, name="org-detail"),
    path("orgs/<int:pk>/edit/", manage.org_edit, name="org-edit"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
]
