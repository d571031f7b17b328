"""The API's JSON shapes (Pydantic, through Django Ninja): English names, ISO 8601 dates.

``…In`` is what a client sends (every field optional in a PATCH: left out keeps its value),
``…Out`` what it gets back. The rules are not here: the pages' forms and services check
what is sent (api/validation.py).
"""

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]


class Page(Schema):
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )


# --- contacts ---------------------------------------------------------------------------


class ContactIn(Schema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    emails: list[str] | None = Field(None, description="The first is the main address.")
    mobile: str | None = None
    work_phone: str | None = None
    private_phone: str | None = None
    street_address: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2, NO by default.")
    website: str | None = None
    categories: list[int] | None = Field(None, description="Category ids.")
    owner: int | None = Field(None, description="User id.")
    notes: str | None = None
    customer_number: int | None = Field(None, description="Administrators only.")


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    emails: list[str]
    mobile: str
    work_phone: str
    private_phone: str
    street_address: str
    postcode: str
    city: str
    country: str
    website: str
    categories: list[int]
    owner: int | None
    notes: str
    customer_number: int | None
    email_locked: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ContactPage(Page):
    results: list[ContactOut]


class EmailLockIn(Schema):
    locked: bool


class CategoryOut(Schema):
    id: int
    name: str


# --- companies --------------------------------------------------------------------------


class CompanyIn(Schema):
    name: str | None = Field(None, max_length=200)
    org_number: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    street_address: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    categories: list[int] | None = None
    owner: int | None = None
    customer_number: int | None = Field(None, description="Administrators only.")


class CompanyOut(Schema):
    id: int
    name: str
    org_number: str
    customer_number: int | None
    phone: str
    email: str
    website: str
    street_address: str
    postcode: str
    city: str
    country: str
    categories: list[int]
    owner: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyPage(Page):
    results: list[CompanyOut]


class CompanyLinkIn(Schema):
    contact: int | None = None
    company: int | None = None
    position: str | None = None
    work_phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class CompanyLinkOut(Schema):
    id: int
    contact: int
    company: int
    position: str
    work_phone: str
    mobile: str
    email: str
    start_date: dt.date | None
    end_date: dt.date | None


class CompanyLinkPage(Page):
    results: list[CompanyLinkOut]


# --- activities -------------------------------------------------------------------------


class AppointmentIn(Schema):
    title: str | None = None
    start_at: dt.datetime | None = None
    end_at: dt.datetime | None = Field(
        None, description="Exclusive; for an all-day appointment midnight after its last day."
    )
    all_day: bool | None = None
    location: str | None = None
    description: str | None = None
    status: str | None = None
    participants: list[int] | None = Field(None, description="User ids.")
    contacts: list[int] | None = None
    company: int | None = None


class AppointmentOut(Schema):
    id: int
    title: str
    start_at: dt.datetime
    end_at: dt.datetime
    all_day: bool
    location: str
    description: str
    status: str
    owner: int | None
    participants: list[int]
    contacts: list[int]
    company: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AppointmentPage(Page):
    results: list[AppointmentOut]


class TaskIn(Schema):
    title: str | None = None
    description: str | None = None
    due_date: dt.date | None = None
    due_time: dt.time | None = None
    status: str | None = None
    priority: int | None = None
    assignee: int | None = None
    group: int | None = None
    contacts: list[int] | None = None
    company: int | None = None


class TaskOut(Schema):
    id: int
    title: str
    description: str
    due_date: dt.date | None
    due_time: dt.time | None
    status: str
    priority: int
    assignee: int | None
    group: int | None
    contacts: list[int]
    company: int | None
    completed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class TaskPage(Page):
    results: list[TaskOut]


class NoteIn(Schema):
    text: str | None = None
    private: bool | None = None
    contact: int | None = Field(None, description="On a contact's card …")
    company: int | None = Field(None, description="… or a company …")
    project: int | None = Field(None, description="… or a project (one of the three).")
    contact_persons: list[int] | None = Field(None, description="A company note's people.")


class NoteOut(Schema):
    id: int
    text: str
    private: bool
    author: int | None
    contact: int | None
    company: int | None
    project: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class NotePage(Page):
    results: list[NoteOut]


class ProjectIn(Schema):
    name: str | None = None
    description: str | None = None
    status: str | None = None
    contacts: list[int] | None = Field(None, description="Participating contacts.")


class ProjectOut(Schema):
    id: int
    name: str
    description: str
    status: str
    contacts: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime


class ProjectPage(Page):
    results: list[ProjectOut]


# --- files ------------------------------------------------------------------------------


class FileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str
    uploader: int | None
    created_at: dt.datetime


class FilePage(Page):
    results: list[FileOut]


# --- orders and invoices (read only) ----------------------------------------------------


class OrderLineOut(Schema):
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: int
    discount_percent: Decimal


class OrderOut(Schema):
    id: int
    contact: int | None
    company: int | None
    date: dt.date
    reference: str
    status: str
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    lines: list[OrderLineOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class OrderPage(Page):
    results: list[OrderOut]


class InvoiceOut(Schema):
    id: int
    number: int
    kind: str
    order: int
    credited_invoice: int | None
    invoice_date: dt.date
    due_date: dt.date
    kid: str
    customer_number: int
    customer_name: str
    customer_address: str
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    created_at: dt.datetime


class InvoicePage(Page):
    results: list[InvoiceOut]
