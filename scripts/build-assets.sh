#!/usr/bin/env bash
# Builds the service's stylesheets and scripts into service/web/static/.
# The output is committed, so the service runs without Node; run this after
# changing assets/ or the govuk-frontend version in package.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

static="service/web/static"
frontend="node_modules/govuk-frontend/dist/govuk"

if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi

mkdir -p "$static"

# Staff pages load application.css; family pages the much smaller family.css.
# --quiet-deps: deprecation warnings from inside govuk-frontend are not ours to fix.
npx --no-install sass \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  assets/scss/application.scss:"$static/application.css" \
  assets/scss/family.scss:"$static/family.css"

cp "$frontend/govuk-frontend.min.js" "$static/govuk-frontend.min.js"
# The service serves each static file under a name with the first ten hex digits of its
# SHA-256 (service/web/http/static_files.py), kept by browsers for a year. application.js
# imports GOV.UK Frontend's script by that name, so both are kept; a unit test checks the
# two agree.
frontend_digest="$(sha256sum "$static/govuk-frontend.min.js" | cut -c1-10)"
sed "s#\./govuk-frontend\.min\.js#./govuk-frontend.min.${frontend_digest}.js#" \
  assets/js/application.js > "$static/application.js"

# Deliberately not copied: GOV.UK's images (crown favicons, crest, opengraph
# image) and fonts (GDS Transport). A council's service must not use them.

echo "Built $static/application.css, family.css, application.js and govuk-frontend.min.js"
