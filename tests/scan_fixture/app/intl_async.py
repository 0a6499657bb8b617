import asyncio

from huaweicloudsdkbssintl.v2 import BssintlAsyncClient, ListSubCustomersRequest
from huaweicloudsdkbssintl.v2.region.bssintl_region import BssintlRegion


async def sub_customers(credentials):
    client = (
        BssintlAsyncClient.new_builder()
        .with_credentials(credentials)
        .with_region(BssintlRegion.value_of("ap-southeast-1"))
        .build()
    )
    future = client.list_sub_customers_async(ListSubCustomersRequest())
    return await asyncio.wrap_future(future)
