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
    # Everything under two-factor/ opens before the second factor is given (accounts/gate.py).
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/<str:kind>/<int:pk>/delete/",
        views.second_factor_delete,
        name="second_factor_delete",
    ),
    path("two-factor/policy/", views.two_factor_policy, name="two_factor_policy"),
]
