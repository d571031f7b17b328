"""A path with a NUL character names nothing here: 404 before any view reads it.

A text path converter (``<str:…>``, ``<path:…>``: Django admin's object ids) hands the
character to the view, and PostgreSQL cannot compare text holding it: psycopg raises,
which would answer 500. No page of ours has one in its address, so none is looked up.
Query strings and forms are read through form fields instead (:mod:`crm.params`).
"""

from django.http import Http404


class NulPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        return self.get_response(request)
