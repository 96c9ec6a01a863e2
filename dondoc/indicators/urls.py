from django.urls import path

from dondoc.indicators import collection_views, import_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("scores/", views.indicator_scores, name="scores"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/values.<str:fmt>", views.indicator_export, name="export"),
    path("<int:pk>/override/", views.indicator_override, name="override"),
    path("<int:pk>/weight/", views.indicator_weight, name="weight"),
    path("<int:pk>/public/", views.indicator_public, name="public"),
    path("import/", import_views.catalogue_import, name="import"),
    path("import/confirm/", import_views.catalogue_import_confirm, name="import-confirm"),
]

# Collection: an agency's values for a period, its template, who has reported.
urlpatterns += [
    path("entry/", collection_views.entry_form, name="entry"),
    path("entry/template.xlsx", collection_views.entry_template, name="entry-template"),
    path("reporting-status/", collection_views.reporting_status, name="reporting-status"),
]
