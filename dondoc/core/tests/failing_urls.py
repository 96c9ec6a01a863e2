"""The site's URLs plus one view that fails, for the error page tests."""

from django.urls import path

from dondoc.urls import urlpatterns as site

handler500 = "dondoc.core.errors.server_error"


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *site]
