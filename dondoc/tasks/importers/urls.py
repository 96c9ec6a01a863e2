from django.urls import path

from dondoc.tasks.importers import table_views, views

urlpatterns = [
    path("", views.upload, name="import-upload"),
    path("columns/", table_views.columns, name="import-columns"),
    path("check/", table_views.check, name="import-check"),
    path("confirm/", views.confirm, name="import-confirm"),
    path("jobs/<int:pk>/", views.job_status, name="import-job"),
    path("template.csv", views.template_download, {"fmt": "csv"}, name="import-template-csv"),
    path("template.xlsx", views.template_download, {"fmt": "xlsx"}, name="import-template-xlsx"),
]
