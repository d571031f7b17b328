"""Django's user admin under the CRM's privacy rules: a user's delete page lists what
goes with the user (their own mail accounts, their admin log) as the deleting
administrator may see it (crm.admin_privacy)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .admin_privacy import VisibleRowsAdmin

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class CrmUserAdmin(VisibleRowsAdmin, UserAdmin):
    pass
