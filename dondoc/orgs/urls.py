from django.urls import path

from dondoc.orgs import views

urlpatterns = [
    path("orgs/", views.org_list, name="org-list"),
    path("orgs/<int:pk>/", views.org_detail, name="org-detail"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
]
