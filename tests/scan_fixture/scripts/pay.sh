#!/usr/bin/env bash
# Pay an order, then look at the balance.
set -euo pipefail
BSS="https://bss.myhuaweicloud.com"

curl -sS -X POST "$BSS/v3/orders/customer-orders/pay" \
  -H "X-Auth-Token: $TOKEN" \
  -d @order.json

curl -sS "$BSS/v2/accounts/customer-accounts/balances" -H "X-Auth-Token: $TOKEN"

curl -sS --data-binary @renew.json \
  "https://bss.myhuaweicloud.com/v2/orders/subscriptions/resources/renew"
