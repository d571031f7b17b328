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
# 4 sync workers (two per core), chosen by `make load` (benchmarks/load.py) on 2 cores:
# 100 requests/s at p95 63 ms (median of three runs), and 3 sync workers about the same;
# 6 sync workers and gthread 2 x 4 were slower at 100/s (p95 118 and 127 ms): threads of
# one process take turns at Python's lock, so each request waits on the others'.
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
