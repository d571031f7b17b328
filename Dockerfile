# The production image: gunicorn serving the CRM, static files through whitenoise.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SECRET_KEY=build-only-not-secret-$(date +%s)-padding-to-fifty-characters \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input
RUN useradd --system --home /app crm && mkdir -p /app/media && chown crm /app/media
USER crm
EXPOSE 8000
# 4 sync workers (two per core), chosen by `make load` (benchmarks/load.py) on 2 cores: the
# same CPU per request as gthread 3 × 4, but the requests' own time in the server was a
# third (p95 120-160 ms against 365-427 ms at 25-150 requests/s): threads of one process
# take turns at Python's lock, so each request waited on the others'.
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
