"""/contacts: the search panel's list, and the contact pages' form and services."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, TextField
from django.db.models.functions import Cast
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from contacts import services
from contacts.forms import ContactForm
from contacts.models import Category, Contact, ContactEmail
from crm.access import is_firm_admin
from search.selectors import contact_matches

from .. import cursor as cursors
from ..schemas import CategoryOut, ContactIn, ContactOut, ContactPage, EmailLockIn, Error, Invalid
from ..validation import serviced, validated
from .common import ListQuery, listed, page, require_admin, since

router = Router(tags=["contacts"])


class ContactQuery(ListQuery):
    q: str = Field("", max_length=200, description="The search term, as in the panel.")
    type: str = Field(
        "last_name",
        description="last_name, first_name, full_name, email, phone, customer_number, note",
    )
    match: str = Field("contains", description="contains or starts")
    selection: str = Field("all", description="all, mine, private, company, my_categories")
    company: str = Field("", max_length=200, description="With selection=company.")
    category: list[int] = Field([], description="Category ids (any of them).")


PHONES = ("mobile", "work_phone", "private_phone")


def _with_lists(queryset):
    """Each contact with its e-mail addresses and category ids, in the row's own query."""
    return queryset.defer(*PHONES).annotate(
        # The phones as stored (E.164 text): making each a PhoneNumber and formatting it
        # back cost a quarter of a list's time.
        **{f"{name}_e164": Cast(name, TextField()) for name in PHONES},
        email_list=ArraySubquery(
            ContactEmail.objects.filter(contact=OuterRef("pk"))
            .order_by("position", "id")
            .values("email")
        ),
        category_ids=ArraySubquery(
            Contact.categories.through.objects.filter(contact=OuterRef("pk"))
            .order_by("category_id")
            .values("category_id")
        ),
    )


def contact_out(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": contact.email_list,
        "mobile": contact.mobile_e164 or "",
        "work_phone": contact.work_phone_e164 or "",
        "private_phone": contact.private_phone_e164 or "",
        "street_address": contact.street_address,
        "postcode": contact.postcode,
        "city": contact.city,
        "country": contact.country,
        "website": contact.website,
        "categories": contact.category_ids,
        "owner": contact.owner_id,
        "notes": contact.notes,
        "customer_number": contact.customer_number,
        "email_locked": contact.email_locked,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def _get(pk: int) -> Contact:
    return get_object_or_404(_with_lists(Contact.objects.all()), pk=pk)


def _fresh(contact: Contact) -> dict:
    return contact_out(_get(contact.pk))


@router.get("/contacts", response={200: ContactPage, 422: Invalid})
def contact_list(request, query: Query[ContactQuery]):
    """Contacts matching the search panel's parameters, in the card order (last name,
    first name), a page at a time."""
    params = QueryDict(mutable=True)
    for name in ("q", "type", "match", "selection", "company"):
        params[name] = getattr(query, name)
    params["kind"] = "contact"
    params.setlist("category", [str(pk) for pk in query.category])
    # The slice the page reads (its cursor, one row more than its limit), so that the
    # search can plan that slice alone; not with updated_since, which narrows it after.
    window = cursors.window(query.cursor, query.limit) if query.updated_since is None else None
    matches = serviced(contact_matches, params=params, user=request.user, window=window)
    matches = since(matches, query)

    def reads(walk):
        # The walk yields ids (index-only on contact_sort_cover_idx); the rows by key.
        return _with_lists(Contact.objects.filter(pk__in=walk.values("pk")))

    rows, following = page(matches, query, key_field="sort_key", reads=reads)
    return listed([contact_out(c) for c in rows], following)


@router.post("/contacts", response={201: ContactOut, 422: Invalid})
def contact_create(request, payload: ContactIn):
    data = payload.model_dump(exclude_unset=True)
    data.setdefault("owner", request.user.pk)
    form = validated(ContactForm, data, may_set_customer_number=is_firm_admin(request.user))
    contact = serviced(services.contact_create, **form.service_data())
    return Status(201, _fresh(contact))


@router.get("/contacts/{int:contact_id}", response={200: ContactOut, 404: Error})
def contact_detail(request, contact_id: int):
    return contact_out(_get(contact_id))


@router.patch("/contacts/{int:contact_id}", response={200: ContactOut, 404: Error, 422: Invalid})
def contact_update(request, contact_id: int, payload: ContactIn):
    contact = get_object_or_404(Contact.objects.prefetch_related("emails"), pk=contact_id)
    form = validated(
        ContactForm,
        payload.model_dump(exclude_unset=True),
        instance=contact,
        may_set_customer_number=is_firm_admin(request.user),
    )
    serviced(services.contact_update, contact=contact, **form.service_data())
    return _fresh(contact)


@router.delete("/contacts/{int:contact_id}", response={204: None, 404: Error, 422: Invalid})
def contact_delete(request, contact_id: int):
    contact = get_object_or_404(Contact, pk=contact_id)
    serviced(services.contact_delete, contact=contact)
    return Status(204, None)


@router.put(
    "/contacts/{int:contact_id}/email-lock",
    response={200: ContactOut, 403: Error, 404: Error},
)
def contact_email_lock(request, contact_id: int, payload: EmailLockIn):
    """«Sperr tilgang»: administrators only, as on the card."""
    from mailbox.services.email_lock import contact_email_lock as lock

    require_admin(request.user)
    contact = get_object_or_404(Contact, pk=contact_id)
    serviced(lock, contact=contact, actor=request.user, locked=payload.locked)
    return _fresh(contact)


class Categories(Schema):
    results: list[CategoryOut]


@router.get("/categories", response=Categories)
def category_list(request):
    return {"results": list(Category.objects.order_by("name").values("id", "name"))}
