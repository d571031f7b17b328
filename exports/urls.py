from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("<slug:scope>.<slug:format>", views.export_list, name="list"),
    path("contacts/<int:pk>/vcard/", views.contact_vcard, name="vcard"),
    path(
        "contacts/<int:pk>/personal-data/",
        views.personal_data_export,
        name="personal_data",
    ),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="erase"),
]
