#!/usr/bin/env bash
# Monthly resource bill for the finance report (a bsscheck scan sample).
set -euo pipefail
curl -sS "$BSS_ENDPOINT/v2/bills/customer-bills/res-fee-records?cycle=$CYCLE" \
  -H "X-Auth-Token: $TOKEN" > "bill-$CYCLE.json"
