from django.urls import path

from dondoc.tasks.importers import views

urlpatterns = [
    path("", views.upload, name="import-upload"),
    path("confirm/", views.confirm, name="import-confirm"),
    path("template.csv", views.template_download, {"fmt": "csv"}, name="import-template-csv"),
    path("template.xlsx", views.template_download, {"fmt": "xlsx"}, name="import-template-xlsx"),
]
