from django.urls import path

from dondoc.reader import views

urlpatterns = [
    path("", views.read_start, name="reader-start"),
    path("<int:pk>/", views.read_review, name="reader-review"),
]
