// Package shop is our own storefront: its routes look like BSS's but no BSS client is near.
package shop

func routes(r *Router) {
	r.Get("orders/customer-orders", listOrders)
	r.Post("accounts/customer-accounts/balances", topUp)
}
