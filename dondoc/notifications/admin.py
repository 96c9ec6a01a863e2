"""Admin views of notifications, and the TOTP devices under the permission table.

An administrator removes a user's TOTP device here when the phone is lost.
"""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from dondoc.accounts.admin import PolicyAdmin, ReadOnlyPolicyAdmin
from dondoc.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyPolicyAdmin, admin.ModelAdmin):
    list_display = ["subject", "user", "kind", "created_at", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["subject", "user__username"]


class PolicyTOTPDeviceAdmin(PolicyAdmin, TOTPDeviceAdmin):
    pass


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, PolicyTOTPDeviceAdmin)
