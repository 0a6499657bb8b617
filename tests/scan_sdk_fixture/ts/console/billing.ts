import axios from "axios";
import { sign } from "./signer";

// Calls go to the BSS endpoint through the console's proxy.
const bss = axios.create({ baseURL: "/proxy/bss" });

export async function loadOrders(base: string, token: string) {
  const r = await http.get(`${base}/v2/orders/customer-orders`, { headers: sign("POST", token) });
  return r.data;
}

export const setFrozen = (base: string, id: string, frozen: boolean) =>
  axios.post(`${base}/v2/partners/sub-customers/${frozen ? "freeze" : "unfreeze"}`, { customer_ids: [id] });
