from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and invoices")

    def ready(self):
        from contacts.activity import register_timeline_source

        from .timeline import orders_source

        register_timeline_source("orders", orders_source)
        from companies.tabs import company_tabs
        from contacts.tabs import card_tabs
        from crm.money import kr
        from crm.tabs import Tab
        from history.verbs import register_verb

        from . import tabs

        card_tabs.register(
            Tab(
                slug="orders",
                label=_("Orders and invoices"),
                template="orders/partials/customer_orders_tab.html",
                context=tabs.contact_orders_tab_context,
                count=tabs.contact_orders_count,
            )
        )
        company_tabs.register(
            Tab(
                slug="orders",
                label=_("Orders and invoices"),
                template="orders/partials/customer_orders_tab.html",
                context=tabs.company_orders_tab_context,
            )
        )
        # The amount is stored as plain "8060.25" and shown as «8 060,25 kr» when read.
        in_kroner = {"amount": kr}
        register_verb(
            "orders.created",
            _("%(actor)s created order %(number)s (%(amount)s)"),
            formats=in_kroner,
        )
        register_verb("orders.confirmed", _("%(actor)s confirmed order %(number)s"))
        register_verb(
            "orders.invoiced",
            _("%(actor)s issued invoice %(number)s for order %(order)s (%(amount)s)"),
            formats=in_kroner,
        )
        register_verb(
            "orders.credited",
            _("%(actor)s issued credit note %(number)s for invoice %(invoice)s"),
        )
        register_verb("orders.pdf_saved", _("%(actor)s saved «%(name)s» in the files"))
        register_verb("orders.sent", _("%(actor)s sent invoice %(number)s to %(to)s"))
