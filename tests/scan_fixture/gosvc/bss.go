package gosvc

import (
	"bytes"
	"net/http"
)

const endpoint = "https://bss.myhuaweicloud.com"

func Balances() (*http.Response, error) {
	return http.Get(endpoint + "/v2/accounts/customer-accounts/balances")
}

func Unsubscribe(body []byte) (*http.Response, error) {
	url := endpoint + "/v2/orders/subscriptions/resources/unsubscribe"
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func Cancel(body []byte) (*http.Request, error) {
	return http.NewRequest(http.MethodPut, endpoint+"/v2/orders/customer-orders/cancel", bytes.NewReader(body))
}
