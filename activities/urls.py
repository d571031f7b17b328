from django.urls import path

from .views import appointments, groups, notes, pickers, planner, projects, tasks

app_name = "activities"

urlpatterns = [
    path("planner/", planner.planner, name="planner"),
    path("appointments/new/", appointments.appointment_create, name="appointment_create"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<int:pk>/edit/",
        appointments.appointment_update,
        name="appointment_update",
    ),
    path(
        "appointments/<int:pk>/delete/",
        appointments.appointment_delete,
        name="appointment_delete",
    ),
    path("appointments/<int:pk>/ics/", appointments.appointment_ics, name="appointment_ics"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", tasks.task_update, name="task_update"),
    path("tasks/<int:pk>/complete/", tasks.task_complete, name="task_complete"),
    path("tasks/<int:pk>/reopen/", tasks.task_reopen, name="task_reopen"),
    path("tasks/<int:pk>/delete/", tasks.task_delete, name="task_delete"),
    path("notes/new/", notes.note_create, name="note_create"),
    path("notes/<int:pk>/edit/", notes.note_update, name="note_update"),
    path("notes/<int:pk>/delete/", notes.note_delete, name="note_delete"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_update, name="project_update"),
    path("projects/<int:pk>/delete/", projects.project_delete, name="project_delete"),
    path("projects/<int:pk>/<slug:tab>/", projects.project_detail, name="project_tab"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/<int:pk>/tasks/", groups.group_tasks, name="group_tasks"),
    path("pick/contacts/", pickers.pick_contacts, name="pick_contacts"),
    path("pick/company/", pickers.pick_company, name="pick_company"),
]
