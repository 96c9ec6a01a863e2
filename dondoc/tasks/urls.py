from django.urls import path

from dondoc.tasks import update_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/export.xlsx", views.task_export, {"fmt": "xlsx"}, name="task-export-xlsx"),
    path("tasks/export.csv", views.task_export, {"fmt": "csv"}, name="task-export-csv"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("updates/<int:pk>/edit/", update_views.draft_edit, name="update-edit"),
    path("updates/<int:pk>/withdraw/", update_views.draft_withdraw, name="update-withdraw"),
    path("updates/<int:pk>/approve/", update_views.draft_approve, name="update-approve"),
    path("updates/<int:pk>/correct/", update_views.update_correct, name="update-correct"),
    path("attachments/<int:pk>/", update_views.attachment_download, name="attachment-download"),
    path("directives/", views.directive_list, name="directive-list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive-detail"),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decide, name="duplicate-decide"),
]
