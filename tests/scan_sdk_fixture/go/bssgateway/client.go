// Package bssgateway wraps the BSS REST API for the CMDB sync jobs.
package bssgateway

import (
	"fmt"
	"net/http"

	"github.com/chnsz/golangsdk"
)

const service = "bss"

type Client struct {
	client   *golangsdk.ServiceClient
	endpoint string
}

// list sends a GET to the service's endpoint; path is relative to /v2/.
func (c *Client) list(service, version, path string, query map[string]string) (*http.Response, error) {
	url := fmt.Sprintf("%s/v2/%s", c.endpoint, path)
	return c.client.Request("GET", url, &golangsdk.RequestOpts{OkCodes: []int{200}})
}

func (c *Client) Balances() (*http.Response, error) {
	return c.list(service, "", "accounts/customer-accounts/balances", nil)
}

func (c *Client) MonthlySum(cycle string) (*http.Response, error) {
	return c.list(service, "", "bills/customer-bills/monthly-sum", map[string]string{"bill_cycle": cycle})
}

func (c *Client) PayOrders(ids []string) (*http.Response, error) {
	path := c.endpoint + "/v3/orders/customer-orders/pay"
	body := map[string]interface{}{"order_id": ids[0]}

	// Signed by the gateway before it is sent.
	resp, err := c.client.Request("POST", path, &golangsdk.RequestOpts{JSONBody: body})
	return resp, err
}

func (c *Client) Renew(ids []string) (*http.Response, error) {
	// The wrapper that sends this lives in another package: its method is not stated here.
	return c.send(service, "orders/subscriptions/resources/renew", ids)
}
