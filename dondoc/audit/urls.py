from django.urls import path

from dondoc.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export.csv", views.audit_export, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", views.audit_export, {"fmt": "xlsx"}, name="export-xlsx"),
]
