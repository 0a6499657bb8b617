terraform {
  required_providers {
    huaweicloud = {
      source  = "huaweicloud/huaweicloud"
      version = "~> 1.70"
    }
  }
}

variable "domain_id" {
  type        = string
  description = "The account (domain) ID the billing permissions are granted in."
}

# --- finance-ops: the group the monthly billing job runs as -------------------------------

resource "huaweicloud_identity_group" "finance_ops" {
  name        = "finance-ops"
  description = "Monthly billing job and its operators"
}

resource "huaweicloud_identity_role" "order_viewer" {
  name        = "order-viewer"
  type        = "AX"
  description = "View orders and balances"
  policy = jsonencode({
    Version = "1.1"
    Statement = [{
      Effect = "Allow"
      Action = ["bss:order:view", "bss:balance:view"]
    }]
  })
}

resource "huaweicloud_identity_group_role_assignment" "finance_ops_view" {
  group_id  = huaweicloud_identity_group.finance_ops.id
  role_id   = huaweicloud_identity_role.order_viewer.id
  domain_id = var.domain_id
}

# This change: the job also pays its orders.
resource "huaweicloud_identity_role" "order_payer" {
  name        = "order-payer"
  type        = "AX"
  description = "Pay orders"
  policy = jsonencode({
    Version = "1.1"
    Statement = [{
      Effect = "Allow"
      Action = ["bss:order:pay"]
    }]
  })
}

resource "huaweicloud_identity_group_role_assignment" "finance_ops_pay" {
  group_id  = huaweicloud_identity_group.finance_ops.id
  role_id   = huaweicloud_identity_role.order_payer.id
  domain_id = var.domain_id
}

# --- auditors: identity policies (IAM 5.0) -----------------------------------------------

resource "huaweicloud_identityv5_group" "auditors" {
  group_name  = "auditors"
  description = "Read-only access to bills and balances"
}

resource "huaweicloud_identityv5_policy" "bill_reader" {
  name        = "bill-reader"
  description = "Read bills and balances"
  policy_document = jsonencode({
    Version = "5.0"
    Statement = [{
      Effect   = "Allow"
      Action   = ["billing:bill:view", "billing:balance:view"]
      Resource = ["*"]
    }]
  })
}

resource "huaweicloud_identityv5_policy_group_attach" "auditors_bills" {
  policy_id = huaweicloud_identityv5_policy.bill_reader.id
  group_id  = huaweicloud_identityv5_group.auditors.id
}

module "ci_users" {
  source   = "./modules/ci_users"
  group_id = huaweicloud_identity_group.finance_ops.id
}
