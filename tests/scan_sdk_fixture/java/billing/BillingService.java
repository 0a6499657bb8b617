package com.example.billing;

import com.huaweicloud.sdk.bss.v2.BssClient;
import com.huaweicloud.sdk.bss.v2.model.ListCustomerOrdersRequest;
import com.huaweicloud.sdk.bss.v2.model.ListCustomerOrdersResponse;
import com.huaweicloud.sdk.bss.v2.model.PayOrdersRequest;
import com.huaweicloud.sdk.bss.v2.model.RenewalResourcesRequest;
import com.huaweicloud.sdk.bss.v2.model.ShowCustomerMonthlySumRequest;
import java.util.List;
import java.util.function.Function;

public class BillingService {
    private final BssClient bssClient;

    public BillingService(BssClient bssClient) {
        this.bssClient = bssClient;
    }

    public ListCustomerOrdersResponse orders() {
        ListCustomerOrdersRequest request = new ListCustomerOrdersRequest().withLimit(100);
        return bssClient.listCustomerOrders(request);
    }

    public void pay(PayOrdersRequest req) {
        bssClient.payOrdersInvoker(req).retryTimes(3).invoke();
    }

    public void renewAll(List<RenewalResourcesRequest> requests) {
        requests.forEach(r -> getBssClient().renewalResources(r));
    }

    public Function<ShowCustomerMonthlySumRequest, ?> monthlySum() {
        return bssClient::showCustomerMonthlySum;
    }

    private BssClient getBssClient() {
        return bssClient;
    }
}
