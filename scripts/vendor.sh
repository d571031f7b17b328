#!/usr/bin/env bash
# Copy the pinned front-end files from node_modules/ into static/vendor/ (committed),
# so that running and testing the CRM never needs npm. Run by `make vendor`.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
v=static/vendor
rm -rf "$v" && mkdir -p "$v/bootstrap" "$v/bootstrap-icons/fonts" "$v/htmx" "$v/swagger-ui" tests/browser/vendor
# The source maps too: the files name them, and collectstatic's manifest storage refuses a
# file whose sourceMappingURL points nowhere.
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} "$v/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} "$v/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$v/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 "$v/bootstrap-icons/fonts/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$v/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$v/htmx/"
# Swagger UI for the API's documentation page (api/views.py), with its licence and notice.
s=node_modules/swagger-ui-dist
cp "$s/swagger-ui-bundle.js" "$s/swagger-ui-bundle.js.LICENSE.txt" "$s/swagger-ui.css"{,.map} \
  "$s/LICENSE" "$s/NOTICE" "$v/swagger-ui/"
# axe-core is injected by the browser tests only: it lives with them, never served.
cp node_modules/axe-core/axe.min.js tests/browser/vendor/
for f in bootstrap bootstrap-icons htmx.org axe-core swagger-ui-dist; do
  printf '%s %s\n' "$f" "$(node -p "require('./node_modules/$f/package.json').version")"
done > "$v/VERSIONS"
