from django.conf import settings
from django.contrib import admin
from django.urls import include, path

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

handler403 = "dondoc.core.errors.forbidden"
handler404 = "dondoc.core.errors.not_found"
handler500 = "dondoc.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
