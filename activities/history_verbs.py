"""The sentences of the activity events on a contact's or a company's timeline."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _changed(kind_sentence):
    def render(entry, actor):
        from .models import Appointment, Task

        data = entry.data if isinstance(entry.data, dict) else {}
        model = Appointment if data.get("model") == "appointment" else Task
        parts = []
        for name, pair in sorted((data.get("changes") or {}).items()):
            try:
                field = model._meta.get_field(name)
                label = str(field.verbose_name)
            except Exception:  # noqa: BLE001 - a renamed field must not break the timeline
                field, label = None, name
            old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            choices = dict(field.flatchoices) if field is not None and field.choices else {}
            old, new = choices.get(old, old), choices.get(new, new)
            empty = gettext("(empty)")
            parts.append(
                gettext("%(field)s from %(old)s to %(new)s")
                % {
                    "field": label,
                    "old": empty if old in (None, "") else old,
                    "new": empty if new in (None, "") else new,
                }
            )
        sentence = str(kind_sentence) % {"actor": actor, "title": data.get("title", "…")}
        return sentence + (": " + "; ".join(parts) if parts else "")

    return render


def _note_deleted(entry, actor):
    data = entry.data if isinstance(entry.data, dict) else {}
    sentence = (
        gettext("%(actor)s deleted a private note: «%(excerpt)s»")
        if data.get("private")
        else gettext("%(actor)s deleted a note: «%(excerpt)s»")
    )
    return sentence % {"actor": actor, "excerpt": data.get("excerpt", "…")}


def register() -> None:
    try:
        from history.verbs import register_verb
    except ImportError:
        return
    register_verb(
        "activities.appointment_created",
        _("%(actor)s created the appointment «%(title)s» (%(start)s)"),
    )
    register_verb(
        "activities.appointment_changed",
        _changed(_("%(actor)s changed the appointment «%(title)s»")),
    )
    register_verb("activities.task_created", _("%(actor)s created the task «%(title)s»"))
    register_verb("activities.task_changed", _changed(_("%(actor)s changed the task «%(title)s»")))
    register_verb("activities.task_completed", _("%(actor)s completed the task «%(title)s»"))
    register_verb("activities.task_reopened", _("%(actor)s reopened the task «%(title)s»"))
    register_verb("activities.note_written", _("%(actor)s wrote a note: «%(excerpt)s»"))
    register_verb(
        "activities.appointment_deleted",
        _("%(actor)s deleted the appointment «%(title)s» (%(start)s)"),
    )
    register_verb("activities.task_deleted", _("%(actor)s deleted the task «%(title)s»"))
    register_verb("activities.note_deleted", _note_deleted)
