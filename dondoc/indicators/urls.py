from django.urls import path

from dondoc.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("scores/", views.indicator_scores, name="scores"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/values.<str:fmt>", views.indicator_export, name="export"),
    path("<int:pk>/override/", views.indicator_override, name="override"),
    path("<int:pk>/weight/", views.indicator_weight, name="weight"),
]
