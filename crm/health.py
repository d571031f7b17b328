"""``/healthz``: 200 when the database answers, 503 with Retry-After when it does not.

A middleware rather than a view, and first in the chain, so that load balancers and the
compose health check reach it by IP address over plain HTTP: it runs before the host
check of ALLOWED_HOSTS and before the HTTPS redirect. A failure counts towards the
outage that crm/outage.py logs once, so a load balancer polling every few seconds does
not fill the log.
"""

from django.db import connection
from django.http import HttpResponse

from crm import outage


class HealthCheckMiddleware:
    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            outage.record_failure(request, exc)
            response = HttpResponse("database unavailable", status=503, content_type="text/plain")
            response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        else:
            response = HttpResponse("ok", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
