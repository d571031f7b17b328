from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.admin_privacy import VisibleRowsAdmin, VisibleRowsInline

from . import services
from .models import FileLink, StoredFile


class FileLinkInline(VisibleRowsInline, admin.TabularInline):
    model = FileLink
    extra = 0
    fields = ["contact", "company", "project", "linked_by", "created_at"]
    readonly_fields = ["linked_by", "created_at"]
    autocomplete_fields = ["contact", "company"]
    raw_id_fields = ["project"]


@admin.register(StoredFile)
class StoredFileAdmin(VisibleRowsAdmin):
    """The files the user may download (files.selectors.files_visible_to): a locked
    contact's mail attachments are not listed, searched or shown to anyone but the
    firm's administrators, nor attachments of mail linked to no contact."""

    list_display = ["name", "human_size", "content_type", "uploader", "created_at", "download"]
    list_filter = ["content_type"]
    search_fields = ["name", "sha256"]
    date_hierarchy = "created_at"
    readonly_fields = ["size", "content_type", "sha256", "key", "uploader", "created_at"]
    fields = ["name", *readonly_fields]
    inlines = [FileLinkInline]
    actions = ["delete_everywhere"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # files come in through the file area, which checks and sniffs them

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return obj is not None and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.file_delete(file=obj, actor=request.user)

    @admin.display(description=_("size"), ordering="size")
    def human_size(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("download"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("files:download", args=[obj.pk]), _("download")
        )

    @admin.action(description=_("Delete the selected files everywhere"))
    def delete_everywhere(self, request, queryset):
        for stored in queryset:
            services.file_delete(file=stored, actor=request.user)
