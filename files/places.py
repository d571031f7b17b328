"""The places a file can be linked to, by their URL word: finding one, and its files tab."""

from __future__ import annotations

from django.apps import apps
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from .models import PLACES

MODELS = {
    "contact": "contacts.Contact",
    "company": "companies.Company",
    "project": "activities.Project",
}
TAB_URLS = {
    "contact": "contacts:tab",
    "company": "companies:tab",
    "project": "activities:project_tab",
}


def place_get(kind: str, pk: int):
    """The contact, company or project, or 404 (an unknown kind is a 404 too)."""
    if kind not in PLACES:
        return get_object_or_404(apps.get_model(MODELS["contact"]).objects.none(), pk=pk)
    return get_object_or_404(apps.get_model(MODELS[kind]), pk=pk)


def place_kind(obj) -> str:
    for kind, label in MODELS.items():
        if obj._meta.label == label:
            return kind
    raise ValueError(obj)


def files_tab_url(kind: str, pk: int) -> str:
    try:
        return reverse(TAB_URLS[kind], args=[pk, "files"])
    except NoReverseMatch:
        obj = apps.get_model(MODELS[kind])(pk=pk)
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:
            return reverse("home")
