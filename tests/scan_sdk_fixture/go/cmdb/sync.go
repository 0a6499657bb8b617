package cmdb

import (
	"log"

	v2 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bssintl/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bssintl/v2/model"
)

// Syncer keeps the CMDB's subscription records in step with Huawei Cloud.
type Syncer struct {
	client *v2.BssintlClient
}

func (s *Syncer) Subscriptions(ids []string) {
	req := &model.ListPayPerUseCustomerResourcesRequest{
		Body: &model.QueryResourcesReq{ResourceIds: &ids},
	}
	if _, err := s.client.ListPayPerUseCustomerResources(req); err != nil {
		log.Printf("query resources: %v", err)
	}
}

func (s *Syncer) Renew(ids []string) error {
	_, err := s.client.RenewalResources(&model.RenewalResourcesRequest{
		Body: &model.RenewalResourcesReq{ResourceIds: ids, PeriodType: 2, PeriodNum: 1, ExpirePolicy: 0},
	})
	return err
}
