"""/companies and /company-links: the company pages' forms and services."""

from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from pydantic import Field

from companies import services
from companies.forms import CompanyForm, CompanyLinkForm
from companies.models import Company, CompanyLink
from contacts.models import Contact
from crm.access import is_firm_admin

from ..schemas import (
    CompanyIn,
    CompanyLinkIn,
    CompanyLinkOut,
    CompanyLinkPage,
    CompanyOut,
    CompanyPage,
    Error,
    Invalid,
)
from ..validation import Invalid as Refused
from ..validation import serviced, validated
from .common import ListQuery, listed, page, phone, since

router = Router(tags=["companies"])


class CompanyQuery(ListQuery):
    q: str = Field("", max_length=200, description="Part of the name.")


def _with_lists(queryset):
    return queryset.annotate(
        category_ids=ArraySubquery(
            Company.categories.through.objects.filter(company=OuterRef("pk"))
            .order_by("category_id")
            .values("category_id")
        )
    )


def company_out(company: Company) -> dict:
    return {
        "id": company.pk,
        "name": company.name,
        "org_number": company.org_number,
        "customer_number": company.customer_number,
        "phone": phone(company.phone),
        "email": company.email,
        "website": company.website,
        "street_address": company.street_address,
        "postcode": company.postcode,
        "city": company.city,
        "country": company.country,
        "categories": company.category_ids,
        "owner": company.owner_id,
        "created_at": company.created_at,
        "updated_at": company.updated_at,
    }


def _get(pk: int) -> Company:
    return get_object_or_404(_with_lists(Company.objects.all()), pk=pk)


@router.get("/companies", response=CompanyPage)
def company_list(request, query: Query[CompanyQuery]):
    companies = Company.objects.all()
    if query.q:
        companies = companies.filter(name__icontains=query.q)
    rows, following = page(_with_lists(since(companies, query)), query, key_field="sort_key")
    return listed([company_out(c) for c in rows], following)


@router.post("/companies", response={201: CompanyOut, 422: Invalid})
def company_create(request, payload: CompanyIn):
    data = payload.model_dump(exclude_unset=True)
    data.setdefault("owner", request.user.pk)
    form = validated(CompanyForm, data, may_set_customer_number=is_firm_admin(request.user))
    company = serviced(services.company_create, **form.service_data())
    return Status(201, company_out(_get(company.pk)))


@router.get("/companies/{int:company_id}", response={200: CompanyOut, 404: Error})
def company_detail(request, company_id: int):
    return company_out(_get(company_id))


@router.patch("/companies/{int:company_id}", response={200: CompanyOut, 404: Error, 422: Invalid})
def company_update(request, company_id: int, payload: CompanyIn):
    company = get_object_or_404(Company, pk=company_id)
    form = validated(
        CompanyForm,
        payload.model_dump(exclude_unset=True),
        instance=company,
        may_set_customer_number=is_firm_admin(request.user),
    )
    serviced(services.company_update, company=company, **form.service_data())
    return company_out(_get(company.pk))


@router.delete("/companies/{int:company_id}", response={204: None, 404: Error, 422: Invalid})
def company_delete(request, company_id: int):
    company = get_object_or_404(Company, pk=company_id)
    serviced(services.company_delete, company=company)
    return Status(204, None)


# --- links ------------------------------------------------------------------------------


class LinkQuery(ListQuery):
    contact: int | None = None
    company: int | None = None


LINK_FIELDS = ("position", "work_phone", "mobile", "email", "start_date", "end_date")


def link_out(link: CompanyLink) -> dict:
    return {
        "id": link.pk,
        "contact": link.contact_id,
        "company": link.company_id,
        "position": link.position,
        "work_phone": phone(link.work_phone),
        "mobile": phone(link.mobile),
        "email": link.email,
        "start_date": link.start_date,
        "end_date": link.end_date,
    }


@router.get("/company-links", response=CompanyLinkPage)
def company_link_list(request, query: Query[LinkQuery]):
    links = CompanyLink.objects.all()
    if query.contact is not None:
        links = links.filter(contact_id=query.contact)
    if query.company is not None:
        links = links.filter(company_id=query.company)
    rows, following = page(since(links, query), query)
    return listed([link_out(link) for link in rows], following)


@router.post("/company-links", response={201: CompanyLinkOut, 404: Error, 422: Invalid})
def company_link_create(request, payload: CompanyLinkIn):
    data = payload.model_dump(exclude_unset=True)
    missing = [name for name in ("contact", "company") if data.get(name) is None]
    if missing:
        raise Refused(
            {name: [str(forms.Field.default_error_messages["required"])] for name in missing}
        )
    contact = get_object_or_404(Contact, pk=data.pop("contact"))
    company = get_object_or_404(Company, pk=data.pop("company"))
    form = validated(CompanyLinkForm, data)
    link = serviced(
        services.company_link_contact, contact=contact, company=company, **form.cleaned_data
    )
    return Status(201, link_out(link))


@router.get("/company-links/{int:link_id}", response={200: CompanyLinkOut, 404: Error})
def company_link_detail(request, link_id: int):
    return link_out(get_object_or_404(CompanyLink, pk=link_id))


@router.patch(
    "/company-links/{int:link_id}", response={200: CompanyLinkOut, 404: Error, 422: Invalid}
)
def company_link_update(request, link_id: int, payload: CompanyLinkIn):
    link = get_object_or_404(CompanyLink, pk=link_id)
    data = payload.model_dump(exclude_unset=True, include=set(LINK_FIELDS))
    form = validated(CompanyLinkForm, data, instance=link)
    link = serviced(services.company_link_update, link=link, **form.cleaned_data)
    return link_out(link)


@router.delete("/company-links/{int:link_id}", response={204: None, 404: Error, 422: Invalid})
def company_link_delete(request, link_id: int):
    link = get_object_or_404(CompanyLink, pk=link_id)
    serviced(services.company_link_delete, link=link)
    return Status(204, None)
