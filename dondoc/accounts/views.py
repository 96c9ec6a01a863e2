"""Signing in and out, the second step (TOTP code), password reset, API tokens.

django-axes counts failed passwords and locks an account out. A user with a confirmed TOTP
device is not signed in after the password: the session only remembers, for a few minutes,
who passed the first step, and ``login_code`` opens the session once the code is right.
"""

from __future__ import annotations

import time

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dondoc.accounts import passwords, security
from dondoc.accounts.middleware import remember_second_factor
from dondoc.accounts.models import TOKEN_DAYS_DEFAULT, ApiToken, User
from dondoc.accounts.policy import can

#: Seconds between the password and the code before the first step must be done again.
PENDING_SECONDS = 300
#: Wrong codes allowed in one sign-in before starting again (django-otp also slows them down).
MAX_CODE_ATTEMPTS = 5
_PENDING = "dondoc_2fa_pending"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if security.confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[_PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "next": self.get_success_url(),
            "at": time.time(),
            "attempts": 0,
        }
        return redirect("login-code")


def admin_login(request: HttpRequest) -> HttpResponse:
    """Django's admin sign-in never asks for the code: every sign-in goes through ours."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target)


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires)."""


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the six-digit code of the user's TOTP device."""
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        messages.error(request, _("Please sign in again."))
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    device = security.confirmed_device(user) if user else None
    if device is None:
        request.session.pop(_PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            request.session.pop(_PENDING, None)
            auth_login(request, user, backend=pending["backend"] or None)
            django_otp.login(request, verified)
            target = pending["next"]
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "dashboard"
            return redirect(target)
        pending["attempts"] += 1
        request.session[_PENDING] = pending
        if pending["attempts"] >= MAX_CODE_ATTEMPTS:
            request.session.pop(_PENDING, None)
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("login")
        form.add_error("token", _("This code is not right, or has already been used."))
    return render(request, "accounts/login_code.html", {"form": form})


# Two-step sign-in set-up ----------------------------------------------------------------------


@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up, or remove, the TOTP second factor."""
    if not can(request.user, "account.two_factor"):
        raise PermissionDenied
    device = security.confirmed_device(request.user)
    form = CodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            if security.disable_two_factor(request.user, form.cleaned_data["token"]):
                remember_second_factor(request, request.user)
                messages.success(request, _("Two-step sign-in is now off."))
                return redirect("two-factor")
            form.add_error("token", _("This code is not right, or has already been used."))
        return render(request, "accounts/two_factor.html", {"enabled": True, "form": form})
    pending = security.enrolment_device(request.user)
    if request.method == "POST" and form.is_valid():
        if security.confirm_device(pending, form.cleaned_data["token"]):
            django_otp.login(request, pending)  # this session has just shown a code
            remember_second_factor(request, request.user)
            messages.success(
                request, _("Two-step sign-in is on: you will be asked for a code when signing in.")
            )
            return redirect("two-factor")
        form.add_error("token", _("This code is not right, or has already been used."))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": False,
            "form": form,
            "qr": security.qr_svg_data_uri(pending.config_url),
            "secret": security.secret_base32(pending),
        },
    )


# API tokens -----------------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=[
            ("read", gettext_lazy("read: look up data")),
            ("write", gettext_lazy("write: change data")),
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=["read"],
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        choices=[
            (30, gettext_lazy("30 days")),
            (90, gettext_lazy("90 days")),
            (180, gettext_lazy("180 days")),
            (365, gettext_lazy("1 year")),
        ],
        coerce=int,
        initial=TOKEN_DAYS_DEFAULT,
    )

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None and "days" not in data:  # a form posted before expiry existed
            data = data.copy()
            data["days"] = TOKEN_DAYS_DEFAULT
        super().__init__(data, *args, **kwargs)


@login_required
@never_cache
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: create one (its key shown once), see and revoke them."""
    if not can(request.user, "account.tokens"):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = security.issue_token(
            request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(  # never cached (the decorator): the new key must not stay anywhere
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not can(request.user, "account.tokens"):
        raise PermissionDenied
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    security.revoke_token(token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api-tokens")


# Passwords (Django's views, our templates) ----------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The e-mail leaves through the job queue (``accounts/passwords.py``): the answer is the
    same, and as quick, whether the address is known or not; attempts are rate-limited."""

    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        passwords.request_reset(
            form.cleaned_data["email"],
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
            language=get_language(),
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
