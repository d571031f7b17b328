"""api/v1/ (the API, namespace ``api``), and the token and documentation pages (``tokens``)."""

from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from . import views
from .routes import api

pages = [
    path("tokens/", views.token_list, name="list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
    path("tokens/all/", views.token_admin_list, name="admin_list"),
    path("tokens/all/<int:pk>/revoke/", views.token_admin_revoke, name="admin_revoke"),
    path("docs/", views.api_docs, name="docs"),
]

urlpatterns = [
    # The API's own root answers nothing; whoever opens it is shown the documentation.
    path("v1/", RedirectView.as_view(url=reverse_lazy("tokens:docs"))),
    path("v1/", api.urls),
    path("", include((pages, "tokens"))),
]
