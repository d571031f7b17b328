import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.admin_privacy import VisibleRowsAdmin
from crm.users import display_name

from . import services
from .models import Appointment, Note, Project, Task


class DeletesThroughService:
    """Deleting here goes through the app's service, as on the CRM's pages, so the
    timelines say who deleted what."""

    def delete(self, obj, actor) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete(obj, request.user)


@admin.register(Project)
class ProjectAdmin(VisibleRowsAdmin):
    list_display = ["name", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    autocomplete_fields = ["participants"]


@admin.register(Appointment)
class AppointmentAdmin(DeletesThroughService, VisibleRowsAdmin):
    list_display = ["title", "start_at", "end_at", "status", "owner"]
    list_filter = ["status", "all_day"]
    search_fields = ["title", "location"]
    date_hierarchy = "start_at"
    list_select_related = ["owner"]
    autocomplete_fields = ["contacts", "company"]
    filter_horizontal = ["participants"]

    def delete(self, obj, actor):
        services.appointment_delete(appointment=obj, actor=actor)


@admin.register(Task)
class TaskAdmin(DeletesThroughService, VisibleRowsAdmin):
    list_display = ["title", "due_date", "status", "priority", "assignee", "group"]
    list_filter = ["status", "priority", "group"]
    search_fields = ["title"]
    list_select_related = ["assignee", "group"]
    autocomplete_fields = ["contacts", "company"]

    def delete(self, obj, actor):
        services.task_delete(task=obj, actor=actor)


@admin.register(Note)
class NoteAdmin(DeletesThroughService, VisibleRowsAdmin):
    """Private notes are their author's alone, administrators included: lists, search,
    change pages, history, delete pages and the export below all start from
    ``get_queryset`` (VisibleRowsAdmin: ``Note.objects.visible_to``). Elsewhere — the log,
    other objects' delete pages — a private note is named by ``Note.__str__``, which
    never shows its text."""

    list_display = ["excerpt", "author", "private", "contact", "company", "project", "created_at"]
    list_filter = ["private"]
    search_fields = ["text"]
    list_select_related = ["author", "contact", "company", "project"]
    autocomplete_fields = ["contact", "company", "contact_persons", "project"]

    actions = ["export_csv"]

    def get_readonly_fields(self, request, obj=None):
        # Who wrote a note is a fact, and decides who sees a private one.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "author"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.note_privacy_apply(note=obj)

    def delete(self, obj, actor):
        services.note_delete(note=obj, actor=actor)

    @admin.display(description=gettext_lazy("text"), ordering="text")
    def excerpt(self, obj):
        # Only rows the user may see are listed, so the text itself can be shown here.
        return obj.text[:60]

    @admin.action(description=gettext_lazy("Export the selected notes (CSV)"))
    def export_csv(self, request, queryset):
        """The selected notes as a CSV file (UTF-8 with a BOM, so Excel reads æøå).

        ``queryset`` is what the admin selected within :meth:`get_queryset`: another
        user's private note cannot be in it, even by a forged selection.
        """
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="notes-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Written"),
                _("Author"),
                _("Private"),
                _("Contact"),
                _("Company"),
                _("Project"),
                _("Text"),
            ]
        )
        rows = queryset.select_related("author", "contact", "company", "project").order_by(
            "created_at", "id"
        )
        for note in rows.iterator(chunk_size=2000):
            writer.writerow(
                _cell(value)
                for value in [
                    timezone.localtime(note.created_at).strftime("%d.%m.%Y %H:%M"),
                    display_name(note.author),
                    _("Yes") if note.private else _("No"),
                    note.contact.full_name if note.contact else "",
                    note.company.name if note.company else "",
                    note.project.name if note.project else "",
                    note.text,
                ]
            )
        return response


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a quote."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
