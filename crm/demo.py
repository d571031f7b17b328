"""Demo data: ``manage.py seed_demo`` calls ``seed(ctx)`` in each app's ``demo.py``.

The apps are visited in INSTALLED_APPS order, so an app can use what an earlier one made
(contacts before companies before activities …). Every ``seed`` must be deterministic
(use ``ctx.rng``/``ctx.faker``, both seeded) and idempotent: running the command again
adds only what is missing.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from faker import Faker
from tqdm import tqdm


@dataclass
class DemoContext:
    contacts: int
    companies: int
    seed: int
    admin: object = None
    staff: object = None
    quiet: bool = False
    # Ids of the contacts this run added: later apps give demo rows to these only, so a
    # second run adds nothing to people who already had their turn.
    new_contact_ids: list[int] = field(default_factory=list)
    rng: random.Random = field(init=False)
    faker: Faker = field(init=False)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        # Faker has no nb_NO; no_NO is Norwegian Bokmål names and places.
        self.faker = Faker("no_NO")
        self.faker.seed_instance(self.seed)

    def progress(self, total: int, desc: str):
        """A progress bar on stderr (tqdm), silent under --quiet."""
        return tqdm(total=total, desc=desc, unit="rows", file=sys.stderr, disable=self.quiet)


def demo_modules():
    for config in apps.get_app_configs():
        try:
            yield import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise


def run(ctx: DemoContext) -> None:
    for module in demo_modules():
        if module.__name__ != __name__ and hasattr(module, "seed"):
            module.seed(ctx)
