"""Management commands as actors: changes made by ``manage.py <command>`` are credited
to the command's name on the timeline.

Installed from ``HistoryConfig.ready()``: every command's ``execute`` runs inside
``pghistory.context(command=<name>)``, so the capture triggers see it, whoever wrote the
command. Commands that serve requests or manage the schema are left alone (a dev
server's requests carry their own user context).
"""

import functools

import pghistory
from django.core.management.base import BaseCommand

SKIP = {
    "runserver",
    "testserver",
    "migrate",
    "makemigrations",
    "squashmigrations",
    "sqlmigrate",
    "showmigrations",
    "test",
    "check",
    "collectstatic",
    "makemessages",
    "compilemessages",
    "dbshell",
    "pgtrigger",
}


def command_name(command: BaseCommand) -> str:
    return command.__class__.__module__.rsplit(".", 1)[-1]


def install() -> None:
    if getattr(BaseCommand.execute, "_history_wrapped", False):
        return
    original = BaseCommand.execute

    @functools.wraps(original)
    def execute(self, *args, **options):
        name = command_name(self)
        if name in SKIP:
            return original(self, *args, **options)
        with pghistory.context(command=name):
            return original(self, *args, **options)

    execute._history_wrapped = True
    BaseCommand.execute = execute
