from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from contacts.models import Category

        from .filters import forget_category_choices

        post_save.connect(forget_category_choices, sender=Category, dispatch_uid="search-cat-s")
        post_delete.connect(forget_category_choices, sender=Category, dispatch_uid="search-cat-d")
