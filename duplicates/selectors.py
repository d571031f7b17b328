"""The administrators' duplicate list: the stored pairs (``CandidatePair``, found by
``pairs.pairs_find``) best first. A pair dismissed as «ikke duplikat» or merged is
deleted from the table when that happens, so the page is a plain walk of
``candidatepair_best_idx``: a COUNT (index-only) and the page's rows, which on the
demo million's 175,000 pairs is quicker than one query with ``COUNT(*) OVER ()`` (that
reads every row), and one query for the records named. A record deleted since the pairs were found is left out
of its page until the next finding.
"""

from dataclasses import dataclass

from companies.models import Company
from contacts.models import Contact
from crm.pagination import page_of

from .matching import REASONS, WEIGHTS
from .models import KIND_COMPANY, KIND_CONTACT, CandidatePair

PER_PAGE = 25


@dataclass
class Pair:
    first: object
    second: object
    signals: list[str]
    score: int

    @property
    def reasons(self) -> list:
        return [REASONS[s] for s in self.signals if s in REASONS]


def duplicate_pairs(*, kind: str, page=None):
    """A page of :class:`Pair` of ``kind`` ("contact" or "company"), best first."""
    model = Contact if kind == KIND_CONTACT else Company
    pairs = CandidatePair.objects.filter(kind=kind).order_by("-score", "first_id", "second_id")
    result = page_of(pairs, page, PER_PAGE)
    objects = model.objects.in_bulk(
        {pk for pair in result.object_list for pk in (pair.first_id, pair.second_id)}
    )
    result.object_list = [
        Pair(
            objects[pair.first_id],
            objects[pair.second_id],
            sorted(pair.signals, key=lambda s: -WEIGHTS.get(s, 0)),
            pair.score,
        )
        for pair in result.object_list
        if pair.first_id in objects and pair.second_id in objects
    ]
    return result


def kind_param(value) -> str:
    return KIND_COMPANY if value == KIND_COMPANY else KIND_CONTACT
