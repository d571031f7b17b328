from django.urls import path

from . import views

app_name = "cardservices"

urlpatterns = [
    path("contacts/<int:pk>/services/sms/", views.sms_send, name="sms_send"),
    path("contacts/<int:pk>/services/lookup/", views.number_lookup, name="number_lookup"),
]
