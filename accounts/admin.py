"""django-otp's admin pages are English throughout (the library marks none of its text for
translation) and would show a device's secret; a firm administrator removes a user's
second factors on «Min konto» instead (accounts.views.two_factor_reset)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
