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
# gthread, 3 workers × 4 threads, chosen by `make load` (benchmarks/load.py) on 2 cores:
# more requests answered and less CPU per request than 5 sync workers, and a thread
# waiting on the database or a password hash does not hold a whole worker.
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
