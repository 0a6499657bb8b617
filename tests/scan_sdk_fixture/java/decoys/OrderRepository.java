package com.example.decoys;

import com.aliyuncs.bssopenapi.model.v20171214.QueryBillOverviewRequest;
import com.huaweicloud.sdk.bss.v2.BssClient;
import java.util.List;

/** Our own repository: its listCustomerOrders reads a database, not the SDK. */
public class OrderRepository {
    private final BssClient unused;

    public OrderRepository(BssClient unused) {
        this.unused = unused;
    }

    public List<String> listCustomerOrders(String customer) {
        return List.of(customer);
    }

    public int count(String customer) {
        return this.listCustomerOrders(customer).size();
    }

    public Object aliyun(QueryBillOverviewRequest request) {
        return request.getBillingCycle();
    }
}
