"""Our own shop's URL table (Django): the names look like BSS's, the service is ours."""

from django.urls import path

from . import views

urlpatterns = [
    path("orders/customer-orders", views.orders),
    path("accounts/customer-accounts/balances", views.balances),
]


def post_process(url):
    return url.strip("/")
