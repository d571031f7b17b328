from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("new/", views.contact_create, name="create"),
    path("post-town/", views.post_town, name="post_town"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_update, name="update"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("<int:pk>/customer-number/", views.contact_make_customer, name="make_customer"),
    # Last: a tab slug is any word, so it must not shadow the paths above.
    path("<int:pk>/<slug:tab>/", views.contact_detail, name="tab"),
]
