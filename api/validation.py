"""The pages' forms and services, driven from JSON: one copy of the rules.

A request's body is turned into the form data the page would post, validated by the
page's own form (``validated``), and the form's ``service_data()`` goes to the page's
own service. A refusal, by the form or by the service (``ValidationError``), answers 422
with the messages per field: ``{"detail": …, "errors": {"field": ["message", …]}}``
(``__all__`` for a message about the whole).

A request starts from what the page's form shows before anything is typed (the object's
values for a PATCH, the form's defaults for a POST) and lays the sent fields over them, so
a field left out keeps its value or takes the page's default.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict


class Invalid(Exception):
    """A refusal to answer with 422 (see :func:`api.api.invalid`)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(e).messages]
            for field, e in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


def form_messages(errors: ErrorDict) -> dict[str, list[str]]:
    # dict.fromkeys: the form and the model may say the same thing twice.
    return {
        field: list(dict.fromkeys(str(m) for m in messages)) for field, messages in errors.items()
    }


def _posted(value):
    """A JSON value as the form data a browser would post for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value  # CheckboxInput reads a bool as it is
    if isinstance(value, list | tuple):
        return [_posted(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def validated(form_class, payload: dict, *, instance=None, initial=None, **kwargs):
    """The page's form, bound to ``payload`` (over the object's current values when one is
    given) and valid, or :class:`Invalid` with its messages."""
    if instance is not None:
        kwargs["instance"] = instance
    unbound = form_class(initial=initial, **kwargs)
    base = {name: unbound[name].value() for name in unbound.fields}
    fields = unbound.fields
    data = {}
    for name, value in {**base, **payload}.items():
        field = fields.get(name)
        one_input = field is not None and not getattr(
            field.widget, "allow_multiple_selected", False
        )
        if isinstance(value, list | tuple) and one_input:
            value = field.prepare_value(value)  # «a@x.no, b@y.no» in one input
        posted = _posted(value)
        if posted is not False:  # an unticked box is not posted
            data[name] = posted
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise Invalid(form_messages(form.errors))
    return form


def serviced(call, /, **kwargs):
    """Call a service; its refusal becomes :class:`Invalid`."""
    try:
        return call(**kwargs)
    except ValidationError as error:
        raise Invalid(messages_of(error)) from None
