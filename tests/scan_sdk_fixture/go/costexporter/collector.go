// Package collector exports Huawei Cloud costs as Prometheus metrics.
package collector

import (
	"fmt"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
	bssregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/region"
)

type BillCollector struct {
	bssClientOpt *bss.BssClient
	cycle        string
}

func NewBillCollector(ak, sk, cycle string) *BillCollector {
	auth := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).Build()
	client := bss.NewBssClient(
		bss.BssClientBuilder().
			WithRegion(bssregion.ValueOf("cn-north-1")).
			WithCredential(auth).
			Build())
	return &BillCollector{bssClientOpt: client, cycle: cycle}
}

func (p *BillCollector) monthlySum() (float64, error) {
	resp, err := p.bssClientOpt.ShowCustomerMonthlySum(&model.ShowCustomerMonthlySumRequest{BillCycle: p.cycle})
	if err != nil {
		return 0, fmt.Errorf("monthly sum: %w", err)
	}
	return *resp.ConsumeAmount, nil
}

func (p *BillCollector) orders() (int32, error) {
	request := &model.ListCustomerOrdersRequest{}
	limit := int32(100)
	request.Limit = &limit
	response, err := p.bssClientOpt.ListCustomerOrders(request)
	if err != nil {
		return 0, err
	}
	return *response.TotalCount, nil
}

func (p *BillCollector) balance(client *bss.BssClient) error {
	_, err := client.ShowCustomerAccountBalances(&model.ShowCustomerAccountBalancesRequest{})
	return err
}
