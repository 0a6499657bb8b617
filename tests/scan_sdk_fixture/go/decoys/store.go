package decoys

import (
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	dbss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/dbss/v1"
)

// OrderStore is this project's own store: its ListCustomerOrders is not the SDK's.
type OrderStore struct{ rows []string }

func (s *OrderStore) ListCustomerOrders() []string { return s.rows }

func use(store *OrderStore, ali *bssopenapi.Client, audit *dbss.DbssClient) {
	_ = store.ListCustomerOrders()
	_, _ = ali.QueryBillOverview(bssopenapi.CreateQueryBillOverviewRequest())
	_, _ = audit.ListAuditInstanceJobs(nil)
}
