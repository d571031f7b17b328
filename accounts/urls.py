from django.urls import path

from . import views

app_name = "account"

urlpatterns = [
    path("", views.account, name="detail"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    # Only two-factor/ opens before the second step of sign-in (accounts/gate.py).
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "sign-in-methods/<str:kind>/<int:pk>/delete/",
        views.second_factor_delete,
        name="second_factor_delete",
    ),
    path("firm/two-factor/", views.two_factor_policy, name="two_factor_policy"),
    path("firm/two-factor/reset/<int:pk>/", views.two_factor_reset, name="two_factor_reset"),
]
