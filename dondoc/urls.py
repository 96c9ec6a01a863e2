from django.conf import settings
from django.contrib import admin
from django.urls import include, path

handler400 = "dondoc.core.views.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("dondoc.api.urls")),
    path("", include("dondoc.accounts.urls")),
    path("import/", include("dondoc.tasks.importers.urls")),
    path("rounds/", include("dondoc.rounds.urls")),
    path("reports/", include("dondoc.reports.urls")),
    path("", include("dondoc.notifications.urls")),
    path("", include("dondoc.followups.urls")),
    path("audit/", include("dondoc.audit.urls")),
    path("", include("dondoc.tasks.urls")),
    path("", include("dondoc.orgs.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
