from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dondoc.accounts.views import admin_login
from dondoc.core.views import favicon

handler400 = "dondoc.core.views.bad_request"

urlpatterns = [
    # The admin's own sign-in form would skip the second step: it leads to ours instead.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("dondoc.api.urls")),
    path("", include("dondoc.accounts.urls")),
    path("import/", include("dondoc.tasks.importers.urls")),
    path("rounds/", include("dondoc.rounds.urls")),
    path("reports/", include("dondoc.reports.urls")),
    path("indicators/", include("dondoc.indicators.urls")),
    path("", include("dondoc.notifications.urls")),
    path("", include("dondoc.followups.urls")),
    path("audit/", include("dondoc.audit.urls")),
    path("", include("dondoc.portal.urls")),
    path("directives/read/", include("dondoc.reader.urls")),
    path("", include("dondoc.tasks.urls")),
    path("", include("dondoc.orgs.urls")),
]

handler403 = "dondoc.core.errors.forbidden"
handler404 = "dondoc.core.errors.not_found"
handler500 = "dondoc.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
