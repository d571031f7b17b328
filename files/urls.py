from django.urls import path

from . import views

app_name = "files"

urlpatterns = [
    path("<int:pk>/download/", views.file_download, name="download"),
    path("<int:pk>/delete/", views.file_delete, name="delete"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
    path("<slug:kind>/<int:pk>/upload/", views.file_upload, name="upload"),
    path("<slug:kind>/<int:pk>/pick/", views.file_pick, name="pick"),
]
