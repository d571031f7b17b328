NB = {
    "It cannot be deleted: these records must be kept.": "Den kan ikke slettes: disse må tas vare på.",
    "%(name)s has orders or invoices that must be kept, and cannot be deleted.": "%(name)s har ordre eller fakturaer som må tas vare på, og kan ikke slettes.",
}
