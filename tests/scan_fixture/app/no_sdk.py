"""A file that does not import an SDK: a method that happens to share an operation's name is
not a BSS call."""


class Shop:
    def pay_orders(self, cart):
        return cart


def checkout(shop, cart):
    return shop.pay_orders(cart)


def list_customer_orders():
    return ListCustomerOrdersRequest()  # noqa: F821  (not the SDK's: nothing imports it)
