from django.urls import path

from dondoc.rounds import grid, signed, submission_views, todo, views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("new/", views.round_open, name="round-open"),
    path("<int:pk>/", views.round_dashboard, name="round-dashboard"),
    path("<int:pk>/export.xlsx", views.round_export, name="round-export"),
    path("<int:pk>/chase/", views.round_chase, name="round-chase"),
    path(
        "<int:pk>/agencies/<int:agency_pk>/", submission_views.submission_detail, name="submission"
    ),
    path("action-plans/", views.action_plans, name="action-plans"),
    path("action-plans/<int:pk>/file/", views.action_plan_file, name="action-plan-file"),
    path("scorecards/", views.scorecard_list, name="scorecards"),
    path("agency/<int:pk>/", views.agency_dashboard, name="agency"),
    path("agency/<int:pk>/export.xlsx", views.agency_export, name="agency-export"),
    path("my-agency/", views.my_agency, name="my-agency"),
    path("home/", todo.home, name="home"),
    path("todo/", todo.todo, name="todo"),
    path("todo/approve/", todo.approve_drafts, name="todo-approve"),
    path("<int:pk>/agencies/<int:agency_pk>/grid/", grid.grid, name="grid"),
    path(
        "<int:pk>/agencies/<int:agency_pk>/signed.pdf",
        signed.signed_report_file,
        name="signed-report",
    ),
    path("<int:pk>/agencies/<int:agency_pk>/grid.xlsx", grid.grid_xlsx, name="grid-xlsx"),
]
