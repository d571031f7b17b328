"""The API at /api/v1/: Django Ninja, its schema at /api/v1/openapi.json.

Why Django Ninja over Django REST framework with drf-spectacular: the shapes are Pydantic
models, from which Ninja writes the OpenAPI 3.1 schema itself (drf-spectacular writes
3.0 and is a second library to keep in step); it is plain functions, as our views are;
and it has no serializers that would tempt a second copy of the forms' rules. It is kept
well (releases each few months, Django 6 supported).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from .endpoints import activities, companies, contacts, files, orders
from .security import CrmSessionAuth, TokenAuth, TokenRateThrottle
from .validation import Invalid


class CrmApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # «contact_list», not «api_endpoints_contacts_contact_list»: names clients keep.
        return operation.view_func.__name__


api = CrmApi(
    title="Kontaktkort CRM API",
    version="1",
    description=(
        "Contacts, companies, activities, files, orders and invoices. Authenticate with a "
        "personal access token (`Authorization: Bearer kk_…`, made on the «API-nøkler» "
        "page) or, from the CRM's own pages, the session. Lists take the search panel's "
        "parameters and a `cursor`; `updated_since` gives what changed for a sync. "
        "Refusals answer 422 with `errors` per field."
    ),
    auth=[TokenAuth(), CrmSessionAuth()],
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
    docs_url=None,  # the docs page is ours (api/views.py), served from static/
)

for module in (contacts, companies, activities, files, orders):
    api.add_router("", module.router)


@api.exception_handler(Invalid)
def invalid(request, exc: Invalid):
    return api.create_response(
        request, {"detail": _("The request was refused."), "errors": exc.errors}, status=422
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(
        request, {"detail": _("A valid token or a signed-in session is needed.")}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
