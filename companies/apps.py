from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from crm.actions import register_action

        register_action("contact_card_header", "companies/partials/card_header_company.html")
        from contacts.card_fields import register_card_field

        from .selectors import CARD_FIELD, current_link_annotation

        register_card_field(CARD_FIELD, current_link_annotation)
        from contacts.customer_numbers import register_holder
        from contacts.recently_viewed import recently_viewed
        from contacts.tabs import card_tabs
        from crm.home import register_home_list
        from crm.tabs import Tab

        from . import tabs
        from .models import Company
        from .selectors import company_recent

        # Customer numbers are unique across contacts and companies.
        register_holder(Company)

        register_home_list(
            "viewed_companies", lambda request: recently_viewed(user=request.user, model=Company)
        )
        register_home_list("recent_companies", lambda request: company_recent(limit=10))

        card_tabs.register(
            Tab(
                slug="companies",
                label=_("Companies"),
                template="companies/partials/contact_companies_tab.html",
                context=tabs.companies_tab_context,
                count=tabs.companies_tab_count,
            )
        )
        tabs.company_tabs.register(
            Tab(
                slug="people",
                label=_("People"),
                template="companies/partials/company_people_tab.html",
                context=tabs.people_tab_context,
            )
        )
