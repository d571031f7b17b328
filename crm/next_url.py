"""Where to go back to after a form: the ``next`` parameter, when it is a page of ours."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default: str) -> str:
    """``next`` from the form or the query string when it is a path on this site,
    otherwise ``default``.

    Only a path (``/…``): ``redirect()`` takes a bare word such as ``abc`` for the name of
    a URL pattern and raises when there is none, and another site is not ours to send to.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
