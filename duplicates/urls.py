from django.urls import path

from . import views

app_name = "duplicates"

urlpatterns = [
    path("check/contact/", views.check_contact, name="check_contact"),
    path("check/company/", views.check_company, name="check_company"),
    path("", views.duplicate_list, name="list"),
    path("find/", views.pairs_find, name="find"),
    path("dismiss/", views.pair_dismiss, name="dismiss"),
    path("merge/<str:kind>/<int:first>/<int:second>/", views.merge, name="merge"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="undo"),
]
