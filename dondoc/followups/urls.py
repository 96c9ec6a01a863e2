from django.urls import path

from dondoc.followups import views

urlpatterns = [
    path("explanations/", views.explanation_list, name="explanation-list"),
    path(
        "tasks/<int:pk>/explanations/request/",
        views.explanation_request,
        name="explanation-request",
    ),
    path("explanations/<int:pk>/reply/", views.explanation_reply, name="explanation-reply"),
    path("explanations/<int:pk>/decide/", views.explanation_decide, name="explanation-decide"),
    path("tasks/<int:pk>/extensions/grant/", views.extension_grant, name="extension-grant"),
]
