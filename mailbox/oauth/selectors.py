"""Reads for the OAuth pages: which providers the firm has registered an app with."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import OAuthApp
from .providers import Provider, provider_get, provider_keys


@dataclass
class AppRow:
    provider: Provider
    app: OAuthApp | None
    form: object = None


def oauth_app_rows() -> list[AppRow]:
    apps = {app.provider: app for app in OAuthApp.objects.all()}
    return [AppRow(provider_get(key), apps.get(key)) for key in provider_keys()]


def oauth_ready_providers() -> list[Provider]:
    """The providers a user can connect an account with (an app registered for them)."""
    return [row.provider for row in oauth_app_rows() if row.app and row.app.client_id]
