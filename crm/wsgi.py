import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.base")
application = get_wsgi_application()

# The URLconf, and with it every view module, is imported now rather than by the first
# request. Then all that lives as long as the process is moved out of the garbage
# collector's sight: a full collection no longer walks its 200,000 objects, which took
# about 80 ms of one request in every few hundred (benchmarks/common.py does the same).
get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
gc.freeze()
