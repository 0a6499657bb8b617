import huaweicloudsdkbss.v2 as bss
from huaweicloudsdkbss.v2 import BssClient as Client
from huaweicloudsdkbss.v2 import ListCustomerselfResourceRecordDetailsRequest as Details
from huaweicloudsdkbss.v2.model import ShowCustomerAccountBalancesRequest as Balances


def balances(c: Client):
    return c.show_customer_account_balances(Balances())


def details():
    return Details()


def renew(c):
    request = bss.RenewalResourcesRequest()
    return c.renewal_resources(request)


def check_identity(sdk):
    # A client reached through any name still counts: the file imports the SDK.
    return sdk.partners.check_user_identity_invoker(bss.CheckUserIdentityRequest()).invoke()
