from django.urls import path

from . import views
from .register import views as register_views

app_name = "companies"

urlpatterns = [
    path("new/", views.company_create, name="create"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/edit/", views.company_update, name="update"),
    path("<int:pk>/delete/", views.company_delete, name="delete"),
    path("<int:pk>/customer-number/", views.company_make_customer, name="make_customer"),
    path("<int:pk>/link-person/", views.link_contact_to_company, name="link_contact"),
    path("link/<int:contact_pk>/", views.link_company_to_contact, name="link_company"),
    path("links/<int:pk>/edit/", views.link_update, name="link_update"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
    path("register/", register_views.register_search, name="register_search"),
    path("<int:pk>/register/", register_views.register_refresh, name="register_refresh"),
    path("<int:pk>/<slug:tab>/", views.company_detail, name="tab"),
]
