#!/usr/bin/env bash
# Fail the pipeline when the billing bot lost a permission our code needs.
# Exit codes: 0 every API callable, 1 something is not (the job fails), 2 bad input.
set -euo pipefail

GRANTS=${GRANTS:-samples/partner-grants.yaml}
APIS=${APIS:-samples/partner-apis.txt}

status=0
bsscheck can-call -g "$GRANTS" --apis "$APIS" --format json -o bsscheck-report.json || status=$?

case "$status" in
  0) echo "bsscheck: every API is callable" ;;
  1) echo "bsscheck: some APIs are not callable; what to grant:" >&2
     bsscheck missing-perms -g "$GRANTS" --apis "$APIS" >&2 || true ;;
  *) echo "bsscheck: could not check (bad input, see above)" >&2 ;;
esac
exit "$status"
