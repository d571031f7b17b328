"""The company register (Enhetsregisteret, Brønnøysundregistrene) behind a backend chosen
by ``COMPANY_REGISTER_BACKEND``, as the SMS and number-lookup backends are (empty: off).

Shipped: ``http`` (the register's open API, ``COMPANY_REGISTER_URL``) and ``offline``
(the bulk download loaded by ``manage.py load_company_register``). See ``base.py`` for
the interface.
"""

from .base import (
    Address,
    BaseRegister,
    LookupResult,
    LookupState,
    RegisterError,
    RegisterUnit,
    get_register,
)

__all__ = [
    "Address",
    "BaseRegister",
    "LookupResult",
    "LookupState",
    "RegisterError",
    "RegisterUnit",
    "get_register",
]
