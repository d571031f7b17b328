from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_create, name="create"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/mapping/", views.job_mapping, name="mapping"),
    path("<int:pk>/run/", views.job_run, name="run"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/errors.csv", views.job_errors, name="errors"),
    path("<int:pk>/undo/", views.job_undo, name="undo"),
]
