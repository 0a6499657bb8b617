"""BSS endpoints used by the ops tooling."""

COUPONS = "/v2/promotions/benefits/coupons"
RESOURCES = "/v2/orders/suscriptions/resources/query"
