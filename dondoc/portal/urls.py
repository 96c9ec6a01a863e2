"""Two prefixes: ``/gop-y/`` ("góp ý", to contribute an opinion) is the public side, in words
a Vietnamese citizen reads and types without accents; ``/portal/`` is the back office, named
like the application's other pages."""

from django.urls import path

from dondoc.portal import progress_views, public_views, views

app_name = "portal"

urlpatterns = [
    path("gop-y/", public_views.submit, name="submit"),
    path("gop-y/da-gui/", public_views.receipt, name="receipt"),
    path("gop-y/theo-doi/", public_views.track, name="track"),
    path("gop-y/cong-khai/", public_views.published_list, name="published"),
    path("gop-y/cong-khai/atom/", public_views.published_atom, name="published-atom"),
    path("gop-y/cong-khai/json/", public_views.published_json, name="published-json"),
    path("gop-y/cong-khai/<int:pk>/", public_views.published_detail, name="published-detail"),
    path("gop-y/cong-khai/<int:pk>/bao-cao/", public_views.report, name="report"),
    path("gop-y/tep/<int:pk>/", public_views.attachment, name="attachment"),
    path("gop-y/ngon-ngu/", public_views.set_language, name="language"),
    # The program's progress, public: "tiến độ".
    path("tien-do/", progress_views.progress, name="progress"),
    # The back office.
    path("portal/", views.queue, name="queue"),
    path("portal/bulk/", views.bulk, name="bulk"),
    path("portal/stats/", views.stats, name="stats"),
    path("portal/<int:pk>/", views.detail, name="detail"),
    path("portal/<int:pk>/classify/", views.classify, name="classify"),
    path("portal/<int:pk>/route/", views.route, name="route"),
    path("portal/<int:pk>/answer/", views.answer, name="answer"),
    path("portal/<int:pk>/reject/", views.reject, name="reject"),
    path("portal/<int:pk>/step/", views.step, name="step"),
    path("portal/<int:pk>/note/", views.note, name="note"),
]
