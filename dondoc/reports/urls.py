from django.urls import path

from dondoc.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/texts/", views.report_texts, name="texts"),
    path("<int:pk>/download/<str:fmt>/", views.report_download, name="download"),
    path("brief/member/<int:pk>/", views.member_brief, name="member-brief"),
    path("brief/agency/<int:pk>/", views.agency_brief, name="agency-brief"),
]
