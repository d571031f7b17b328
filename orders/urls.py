from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path(
        "new/contact/<int:pk>/", views.order_create, {"kind": "contact"}, name="create_for_contact"
    ),
    path(
        "new/company/<int:pk>/", views.order_create, {"kind": "company"}, name="create_for_company"
    ),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/edit/", views.order_update, name="update"),
    path("<int:pk>/confirm/", views.order_confirm, name="confirm"),
    path("<int:pk>/cancel/", views.order_cancel, name="cancel"),
    path("<int:pk>/invoice/", views.order_invoice, name="invoice_issue"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/credit/", views.invoice_credit, name="credit"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/ehf/", views.invoice_ehf, name="invoice_ehf"),
    path("invoices/<int:pk>/send/", views.invoice_send, name="invoice_send"),
    path("firm/", views.firm_details, name="firm_details"),
]
