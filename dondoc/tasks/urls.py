from django.urls import path

from dondoc.tasks import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/export.xlsx", views.task_export, {"fmt": "xlsx"}, name="task-export-xlsx"),
    path("tasks/export.csv", views.task_export, {"fmt": "csv"}, name="task-export-csv"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("directives/", views.directive_list, name="directive-list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive-detail"),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decide, name="duplicate-decide"),
]
