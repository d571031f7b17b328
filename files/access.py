"""How other apps take part in deciding which stored files a user may see.

The files app makes every access decision about a :class:`~files.models.StoredFile`
(``files.selectors.files_visible_to``); apps that keep files of their own plug their rules
in here from ``AppConfig.ready()``:

- a *source* shares files the file area does not: ``(user) -> QuerySet | None``, the rows
  through which ``user`` may see a file (the mailbox gives the attachments of the messages
  the user may read);
- a *hiding rule* takes files away even when a file area or a source shows them:
  ``(user) -> QuerySet | None``, the rows that hide a file from ``user`` (the mailbox hides
  the attachments of messages linked to a contact whose e-mail is locked, from everyone but
  the firm's administrators).

Either kind returns a queryset of any model with a ``file`` foreign key to StoredFile, or
None when it has nothing for this user. The queryset is not run: each becomes an
``EXISTS`` correlated on the file's id, so a whole listing stays one query and the check per
file is an index probe on the ``file`` column.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet

Rule = Callable[[object], QuerySet | None]

_sources: list[Rule] = []
_hiding_rules: list[Rule] = []


def register_file_source(source: Rule) -> None:
    if source not in _sources:
        _sources.append(source)


def register_file_hiding_rule(rule: Rule) -> None:
    if rule not in _hiding_rules:
        _hiding_rules.append(rule)


def _any(rules: list[Rule], user, file_ref: str) -> Q | None:
    combined = None
    for rule in rules:
        rows = rule(user)
        if rows is None:
            continue
        q = Q(Exists(rows.filter(file=OuterRef(file_ref))))
        combined = q if combined is None else combined | q
    return combined


def shared_with(user, *, file_ref: str = "pk") -> Q | None:
    """A Q matching the files some source shares with ``user`` (None: no source does).
    ``file_ref`` names the file's id in the outer query: ``"pk"`` on StoredFile,
    ``"file_id"`` on a model that points at one."""
    return _any(_sources, user, file_ref)


def hidden_from(user, *, file_ref: str = "pk") -> Q | None:
    """A Q matching the files some rule hides from ``user`` (None: nothing is hidden)."""
    return _any(_hiding_rules, user, file_ref)
