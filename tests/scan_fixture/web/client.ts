import { HttpClient } from "@angular/common/http";

export class CouponService {
  constructor(private http: HttpClient) {}

  coupons(base: string) {
    return this.http.get<unknown>(`${base}/v2/promotions/benefits/coupons`);
  }

  refunds(base: string, orderId: string) {
    const url = `${base}/v2/orders/customer-orders/refund-orders?order_id=${orderId}`;
    return this.http.get(url);
  }
}
