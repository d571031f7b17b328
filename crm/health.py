"""``/healthz``: 200 when the database answers, 503 when it does not.

A middleware rather than a view, and first in the chain, so that load balancers and the
compose health check reach it by IP address over plain HTTP: it runs before the host
check of ALLOWED_HOSTS and before the HTTPS redirect.
"""

from django.db import connection
from django.http import HttpResponse


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
        except Exception:
            return HttpResponse("database unavailable", status=503, content_type="text/plain")
        response = HttpResponse("ok", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
