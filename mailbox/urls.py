from django.urls import path

from . import views
from .oauth import views as oauth_views

app_name = "mailbox"

urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_form, name="account_create"),
    path("accounts/<int:pk>/edit/", views.account_form, name="account_update"),
    path("accounts/<int:pk>/test/", views.account_test, name="account_test"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("accounts/connect/<slug:provider>/", oauth_views.oauth_connect, name="oauth_connect"),
    path("accounts/<int:pk>/reconnect/", oauth_views.oauth_reconnect, name="oauth_reconnect"),
    path("accounts/oauth/callback/", oauth_views.oauth_callback, name="oauth_callback"),
    path("accounts/oauth/apps/", oauth_views.oauth_apps, name="oauth_apps"),
    path("contacts/<int:contact_pk>/messages/<int:pk>/", views.message_detail, name="detail"),
    # The conversation of a message (any of its messages names it).
    path("contacts/<int:contact_pk>/threads/<int:pk>/", views.thread_detail, name="thread"),
    path("contacts/<int:contact_pk>/compose/", views.compose, name="compose"),
    path(
        "contacts/<int:contact_pk>/outbox/<int:pk>/retry/",
        views.outgoing_retry,
        name="outgoing_retry",
    ),
    path("sending/", views.sending_policy, name="sending_policy"),
    path("contacts/<int:contact_pk>/lock/", views.contact_lock, name="lock"),
    path("messages/<int:pk>/body/", views.message_body, name="body"),
    # Inline images in stored bodies point here; the download itself is files:download.
    path("attachments/<int:pk>/", views.attachment_redirect, name="attachment"),
]
