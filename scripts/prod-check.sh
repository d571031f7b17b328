#!/usr/bin/env bash
# The production path, as the Dockerfile builds and runs it, without Docker:
#   `pip install .` into a fresh venv, `collectstatic` with the production settings,
#   `migrate`, gunicorn with production environment variables on a loopback port,
# then over HTTP (scripts/prod_smoke.py): log in, open a contact card, search, fetch a CSS
# file by its hashed name, and see /healthz answer. Run by .ci/run; fails on any step.
#
# Needs DATABASE_URL (a server where it may create and drop a database of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server (the check makes its own database)}"

work="$(mktemp -d /tmp/crm-prod.XXXXXX)"
db_url="${DATABASE_URL%/*}/crm_prod_$$_$(date +%s)"
gunicorn_pid=""
cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null || true
  "$work/venv/bin/python" -c 'import sys; from crm import devdb; devdb.drop_database(sys.argv[1])' \
    "$db_url" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "--- production path: the image's files (tracked files only, as COPY would take them)"
mkdir -p "$work/app"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/app"

echo "--- pip install . (a fresh venv)"
"$(scripts/find-python.sh)" -m venv "$work/venv"
{ "$work/venv/bin/pip" install --quiet --upgrade pip &&
  (cd "$work/app" && "$work/venv/bin/pip" install --quiet .); } >"$work/pip.log" 2>&1 ||
  { cat "$work/pip.log"; exit 1; }
py="$work/venv/bin/python"

secret="prod-check-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
echo "--- collectstatic with the production settings (the Dockerfile's build step)"
(cd "$work/app" && DJANGO_SECRET_KEY=build-only-not-secret-$(date +%s)-padding-to-fifty-characters \
  DATABASE_URL=postgres://build@localhost/build \
  "$py" manage.py collectstatic --no-input >/dev/null)
test -f "$work/app/staticfiles/staticfiles.json"

# The production environment, as docker-compose.yml sets it for the web service.
export DATABASE_URL="$db_url" DJANGO_SECRET_KEY="$secret" DJANGO_ALLOWED_HOSTS=127.0.0.1
unset DJANGO_DEBUG
echo "--- migrate"
"$py" -c 'import sys; from crm import devdb; devdb._ensure_database(sys.argv[1])' "$db_url"
(cd "$work/app" && "$py" manage.py migrate --no-input >"$work/migrate.log" 2>&1) || { cat "$work/migrate.log"; exit 1; }
(cd "$work/app" && CRM_USER_PASSWORD="prod-check-pw-$$-Aa1" "$py" manage.py crm_user ops --first-name Ola --last-name Drift >/dev/null)
contact_id="$(cd "$work/app" && "$py" manage.py shell -c \
  'from contacts.services import contact_create; print(contact_create(last_name="Prodsjekksen", first_name="Kari").pk)' | tail -1)"

port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "--- gunicorn on 127.0.0.1:$port"
(cd "$work/app" && exec "$work/venv/bin/gunicorn" crm.wsgi:application --bind "127.0.0.1:$port" \
  --workers 2 --access-logfile - --log-level warning) >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!

echo "--- over HTTP: log in, the card, a search, a hashed CSS file, /healthz"
if ! "$py" scripts/prod_smoke.py --port "$port" --username ops --password "prod-check-pw-$$-Aa1" \
     --contact "$contact_id" --search Prodsjekksen; then
  echo "gunicorn's log:"; tail -50 "$work/gunicorn.log"; exit 1
fi
echo "Production path OK."
