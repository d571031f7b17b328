from django import template

from contacts.models import Contact
from search.filters import SearchFilter

register = template.Library()


@register.inclusion_tag("search/partials/panel_form.html", takes_context=True)
def search_panel(context):
    """The panel on every CRM page; on the hit list it shows the search being made."""
    request = context["request"]
    search_filter = context.get("search_filter")
    # Live (htmx) only where the hit list is; elsewhere «Søk» opens the hit list.
    live = search_filter is not None
    if search_filter is None:
        search_filter = SearchFilter(user=request.user, queryset=Contact.objects.none())
        search_filter.is_valid()
    return {"form": search_filter.form, "live": live}
