package bss

import (
	"github.com/chnsz/golangsdk"
	"github.com/chnsz/golangsdk/openstack/bss/v2/orders"
)

// @API BSS GET /v2/orders/customer-orders/details/{order_id}
func getOrder(client *golangsdk.ServiceClient, id string) (*orders.Order, error) {
	return orders.Get(client, id).Extract()
}

// @API BSS POST /v3/orders/customer-orders/pay
func payOrder(client *golangsdk.ServiceClient, id string) error {
	return orders.Pay(client, orders.PayOpts{OrderId: id}).ExtractErr()
}
