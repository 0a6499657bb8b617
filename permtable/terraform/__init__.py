"""Terraform plans of the huaweicloud provider, read as the grants each principal holds before
and after the plan is applied (``bsscheck diff --terraform-plan``, ``can-call --terraform-plan``).

``plan`` reads ``terraform show -json PLAN`` output; ``principals`` derives, for each IAM group,
user and agency, its grants on either side of the plan; ``locations`` finds the ``.tf`` block of
a resource for the reports.
"""
