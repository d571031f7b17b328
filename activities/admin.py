from django.contrib import admin

from .models import Appointment, Note, Project, Task


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    autocomplete_fields = ["participants"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["title", "start_at", "end_at", "status", "owner"]
    list_filter = ["status", "all_day"]
    search_fields = ["title", "location"]
    date_hierarchy = "start_at"
    list_select_related = ["owner"]
    autocomplete_fields = ["contacts", "company"]
    filter_horizontal = ["participants"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "due_date", "status", "priority", "assignee", "group"]
    list_filter = ["status", "priority", "group"]
    search_fields = ["title"]
    list_select_related = ["assignee", "group"]
    autocomplete_fields = ["contacts", "company"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "private", "contact", "company", "project", "created_at"]
    list_filter = ["private"]
    search_fields = ["text"]
    list_select_related = ["author", "contact", "company", "project"]
    autocomplete_fields = ["contact", "company", "contact_persons", "project"]

    def get_queryset(self, request):
        # Private notes are their author's alone, administrators included.
        return super().get_queryset(request).visible_to(request.user)
