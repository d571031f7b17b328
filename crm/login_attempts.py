"""The user name django-axes counts failed logins against (``AXES_USERNAME_CALLABLE``)."""

from django.conf import settings

# django-axes keeps the name in a varchar(255) column; it does not cut it itself.
MAX_LENGTH = 255


def axes_username(request, credentials=None) -> str | None:
    """The name typed at login, as axes takes it by default, cut to its column and
    without NUL characters: a longer name (no user has one; Django's are at most 150)
    or a NUL would make recording the failure raise, and the login page answer 500."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        name = credentials.get(field)
    else:
        name = getattr(request, "data", request.POST).get(field)
    if name is None:
        return None
    return str(name).replace("\x00", "")[:MAX_LENGTH]
