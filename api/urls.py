"""api/v1/ (the API, namespace ``api``), and the pages (``tokens``): tokens, documentation,
webhooks, and the calendar feeds."""

from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from . import views
from .feeds import views as feeds
from .routes import api
from .webhooks import views as webhooks

pages = [
    path("tokens/", views.token_list, name="list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
    path("tokens/all/", views.token_admin_list, name="admin_list"),
    path("tokens/all/<int:pk>/revoke/", views.token_admin_revoke, name="admin_revoke"),
    path("docs/", views.api_docs, name="docs"),
    path("webhooks/", webhooks.webhook_list, name="webhook_list"),
    path("webhooks/new/", webhooks.webhook_create, name="webhook_create"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/edit/", webhooks.webhook_update, name="webhook_update"),
    path("webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path("webhooks/<int:pk>/secret/", webhooks.webhook_new_secret, name="webhook_new_secret"),
    path("webhooks/deliveries/<int:pk>/retry/", webhooks.delivery_retry, name="delivery_retry"),
    path("feeds/renew/", feeds.feed_renew, name="feed_renew"),
    path("feeds/stop/", feeds.feed_stop, name="feed_stop"),
    path("feeds/<str:token>/appointments.ics", feeds.feed_appointments, name="feed_appointments"),
    path("feeds/<str:token>/tasks.ics", feeds.feed_tasks, name="feed_tasks"),
]

urlpatterns = [
    # The API's own root answers nothing; whoever opens it is shown the documentation.
    path("v1/", RedirectView.as_view(url=reverse_lazy("tokens:docs"))),
    path("v1/", api.urls),
    path("", include((pages, "tokens"))),
]
