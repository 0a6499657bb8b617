package decoys

import (
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
)

// Ledger wraps nothing of the SDK: a method named like an operation on a type of our own.
type Ledger struct{ client *bss.BssClient }

func (l *Ledger) PayOrders(total int) int { return total }

func settle(l *Ledger) int {
	return l.PayOrders(3)
}
