from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("pick/users/<str:field>/", views.pick_users, name="pick_users"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("contacts/", include("contacts.urls")),
    path("companies/", include("companies.urls")),
    path("", include("activities.urls")),
    path("files/", include("files.urls")),
    path("mail/", include("mailbox.urls")),
    path("", include("cardservices.urls")),
    path("orders/", include("orders.urls")),
    path("search/", include("search.urls")),
    path("exports/", include("exports.urls")),
    path("duplicates/", include("duplicates.urls")),
    # The REST API at api/v1/, its documentation and the «API-nøkler» pages.
    path("api/", include("api.urls")),
    path("imports/", include("imports.urls")),
    # «Min konto»: password, password reset, two-factor sign-in, language.
    path("account/", include("accounts.urls")),
    # Passkey ceremonies (django-otp-webauthn), under the two-factor pages the gate opens.
    path("account/two-factor/passkeys/", include("django_otp_webauthn.urls")),
    path("admin/", admin.site.urls),
]

# A database outage answers 503 with Retry-After instead of the 500 page (crm/outage.py).
handler500 = "crm.outage.server_error"
