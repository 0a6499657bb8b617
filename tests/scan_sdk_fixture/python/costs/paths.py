"""The BSS endpoints this exporter reads."""

BASE = "https://bss.myhuaweicloud.com"
BALANCES = "/v2/accounts/customer-accounts/balances"
MONTHLY = "/v2/bills/customer-bills/monthly-sum"
