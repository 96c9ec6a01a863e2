from django.urls import path

from dondoc.tasks import manage_views, program_views, update_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/export.xlsx", views.task_export, {"fmt": "xlsx"}, name="task-export-xlsx"),
    path("tasks/export.csv", views.task_export, {"fmt": "csv"}, name="task-export-csv"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/history/", views.task_history_page, name="task-history"),
    path("updates/<int:pk>/edit/", update_views.draft_edit, name="update-edit"),
    path("updates/<int:pk>/withdraw/", update_views.draft_withdraw, name="update-withdraw"),
    path("updates/<int:pk>/approve/", update_views.draft_approve, name="update-approve"),
    path("updates/<int:pk>/correct/", update_views.update_correct, name="update-correct"),
    path("tasks/new/", manage_views.task_create, name="task-create"),
    path("tasks/deadline-preview/", manage_views.deadline_preview, name="task-deadline-preview"),
    path("tasks/<int:pk>/edit/", manage_views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/reassign/", manage_views.task_reassign, name="task-reassign"),
    path("tasks/<int:pk>/deadline/", manage_views.task_deadline, name="task-deadline"),
    path("tasks/<int:pk>/split/", manage_views.task_split, name="task-split"),
    path("tasks/<int:pk>/merge/", manage_views.task_merge, name="task-merge"),
    path("tasks/<int:pk>/cancel/", manage_views.task_cancel, name="task-cancel"),
    path("attachments/<int:pk>/", update_views.attachment_download, name="attachment-download"),
    path("directives/", views.directive_list, name="directive-list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive-detail"),
    path("programs/", program_views.program_list, name="program-list"),
    path("programs/new/", program_views.program_create, name="program-create"),
    path("programs/<slug:code>/", program_views.program_detail, name="program-detail"),
    path("programs/<slug:code>/edit/", program_views.program_edit, name="program-edit"),
    path("programs/<slug:code>/archive/", program_views.program_archive, name="program-archive"),
    path(
        "programs/<slug:code>/unarchive/",
        program_views.program_unarchive,
        name="program-unarchive",
    ),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decide, name="duplicate-decide"),
]
