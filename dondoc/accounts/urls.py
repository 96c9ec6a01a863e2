from django.urls import path

from dondoc.accounts import people_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/code/", views.login_code, name="login-code"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/tokens/", views.api_tokens, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # People (the Standing Office) and the invitation link.
    path("people/", people_views.people_list, name="people-list"),
    path("people/invite/", people_views.people_invite, name="people-invite"),
    path("people/<int:pk>/", people_views.people_edit, name="people-edit"),
    path("people/<int:pk>/active/", people_views.people_set_active, name="people-set-active"),
    path(
        "people/<int:pk>/reset-two-factor/",
        people_views.people_reset_two_factor,
        name="people-reset-two-factor",
    ),
    path(
        "people/<int:pk>/invite-again/",
        people_views.people_invite_again,
        name="people-invite-again",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        people_views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("invitation/done/", people_views.InvitationDoneView.as_view(), name="invitation-done"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
