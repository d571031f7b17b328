from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and invoices")

    def ready(self):
        from companies.tabs import company_tabs
        from contacts.tabs import card_tabs
        from crm.tabs import Tab
        from history.verbs import register_verb

        from . import views

        card_tabs.register(
            Tab(
                slug="orders",
                label=_("Orders and invoices"),
                template="orders/partials/customer_orders_tab.html",
                context=views.contact_orders_tab_context,
            )
        )
        company_tabs.register(
            Tab(
                slug="orders",
                label=_("Orders and invoices"),
                template="orders/partials/customer_orders_tab.html",
                context=views.company_orders_tab_context,
            )
        )
        register_verb("orders.created", _("%(actor)s created order %(number)s (NOK %(amount)s)"))
        register_verb("orders.confirmed", _("%(actor)s confirmed order %(number)s"))
        register_verb(
            "orders.invoiced",
            _("%(actor)s issued invoice %(number)s for order %(order)s (NOK %(amount)s)"),
        )
        register_verb(
            "orders.credited",
            _("%(actor)s issued credit note %(number)s for invoice %(invoice)s"),
        )
