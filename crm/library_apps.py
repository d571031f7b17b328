"""Two libraries' apps under names of our own, in the user's language.

Django admin heads each app's models with the app's ``verbose_name``: django-axes has
none (admin shows «Axes») and django-tasks-db's is a fixed English «Tasks Database
Backend». Naming a subclass of an app's AppConfig in INSTALLED_APPS is Django's way for
a project to rename an app it uses (Django docs, "Applications": "For application
users"); label, models and migrations stay the library's.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login security")


class TasksDbConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
