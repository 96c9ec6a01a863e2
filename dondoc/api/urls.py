from django.http import JsonResponse
from django.urls import path, re_path

from dondoc.api.api import api


def not_found(request, rest: str = ""):
    return JsonResponse({"detail": "No such API endpoint.", "errors": []}, status=404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
