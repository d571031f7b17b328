from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import admin_view, crm_view, is_firm_admin
from crm.params import id_param, text_param

from . import matching, pairs, selectors, services
from .models import Merge

TEXT = 200


def _posted(request, names) -> dict:
    return {name: text_param(request.POST, name, max_length=TEXT) for name in names}


def _emails(value: str) -> list[str]:
    return [p.strip() for p in value.replace(";", ",").replace("\n", ",").split(",") if p.strip()]


@require_POST
@crm_view
def check_contact(request):
    """«Ny kontakt» while typing: the contacts that look like what is entered so far."""
    data = _posted(
        request, ["first_name", "last_name", "mobile", "work_phone", "private_phone", "postcode"]
    )
    data["emails"] = _emails(text_param(request.POST, "emails", max_length=2000))
    candidates = matching.contact_lookalikes(data)
    return render(request, "crm/partials/lookalikes.html", {"lookalikes": candidates})


@require_POST
@crm_view
def check_company(request):
    """«Ny kunde» while typing: the companies that look like what is entered so far."""
    data = _posted(request, ["name", "org_number", "phone", "email", "postcode"])
    candidates = matching.company_lookalikes(data)
    return render(request, "crm/partials/lookalikes.html", {"lookalikes": candidates})


@require_GET
@admin_view
def duplicate_list(request):
    kind = selectors.kind_param(request.GET.get("kind"))
    page = selectors.duplicate_pairs(kind=kind, page=request.GET.get("page"))
    context = {
        "kind": kind,
        "page": page,
        "list_url": reverse("duplicates:list"),
        "list_query": urlencode({"kind": kind}),
    }
    if request.htmx:
        return render(request, "duplicates/pair_list.html#pairs", context)
    return render(request, "duplicates/pair_list.html", context)


@require_POST
@admin_view
def pairs_find(request):
    """«Finn duplikater»: find the pairs anew (``manage.py find_duplicates`` does it too)."""
    kind = selectors.kind_param(request.POST.get("kind"))
    found = pairs.pairs_find(kind=kind)
    messages.success(request, _("%(count)s possible duplicates found.") % {"count": found})
    return redirect(f"{reverse('duplicates:list')}?kind={kind}")


@require_POST
@admin_view
def pair_dismiss(request):
    kind = selectors.kind_param(request.POST.get("kind"))
    first, second = id_param(request.POST, "first"), id_param(request.POST, "second")
    if first is None or second is None:
        raise Http404
    try:
        services.pair_dismiss(kind=kind, first_id=first, second_id=second, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The pair was marked as not duplicates."))
    return redirect(f"{reverse('duplicates:list')}?kind={kind}")


def _field_rows(kind, first, second):
    model = services.MODELS[kind]
    rows = []
    for name in services.CHOOSABLE[kind]:
        field = model._meta.get_field(name)
        values = []
        for obj in (first, second):
            value = getattr(obj, name)
            values.append("" if value in (None, "") else str(value))
        rows.append({"name": name, "label": field.verbose_name, "values": values})
    return rows


@require_http_methods(["GET", "POST"])
@admin_view
def merge(request, kind: str, first: int, second: int):
    """Two records side by side: which one stays, and per field which value wins."""
    if kind not in services.MODELS or first == second:
        raise Http404
    model = services.MODELS[kind]
    records = model.objects.in_bulk([first, second])
    if len(records) != 2:
        raise Http404
    a, b = records[first], records[second]
    error = None
    if request.method == "POST":
        keep = request.POST.get("survivor")
        if keep in ("a", "b"):
            survivor, loser = (a, b) if keep == "a" else (b, a)
            loser_side = "b" if keep == "a" else "a"
            take = [
                name
                for name in services.CHOOSABLE[kind]
                if request.POST.get(f"field_{name}") == loser_side
            ]
            try:
                services.records_merge(
                    survivor=survivor, loser=loser, take_from_loser=take, actor=request.user
                )
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(
                    request,
                    _("The two were merged. You can undo it from the history for %(days)s days.")
                    % {"days": services.UNDO_DAYS},
                )
                return redirect(survivor)
        else:
            error = _("Choose which of the two to keep.")
    context = {
        "kind": kind,
        "a": a,
        "b": b,
        "rows": _field_rows(kind, a, b),
        "error": error,
    }
    return render(request, "duplicates/merge.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@admin_view
def merge_undo(request, pk: int):
    merge_record = get_object_or_404(Merge, pk=pk)
    survivor = services.MODELS[merge_record.kind].objects.filter(pk=merge_record.survivor_id)
    survivor = survivor.first()
    can_undo = services.merge_can_undo(merge_record) and survivor is not None
    if request.method == "POST" and can_undo:
        try:
            loser = services.merge_undo(merge=merge_record, actor=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("The merge was undone."))
            return redirect(loser)
    return render(
        request,
        "duplicates/merge_undo.html",
        {"merge": merge_record, "survivor": survivor, "can_undo": can_undo},
        status=409 if request.method == "POST" else 200,
    )


def undo_action(entry, viewer):
    """«Angre» beside a merge on the survivor's timeline: for administrators, while it
    can be undone."""
    if not is_firm_admin(viewer):
        return None
    data = entry.data if isinstance(entry.data, dict) else {}
    merge_record = Merge.objects.filter(pk=data.get("merge")).first()
    if merge_record is None or not services.merge_can_undo(merge_record):
        return None
    return (_("Undo the merge"), reverse("duplicates:undo", args=[merge_record.pk]))
