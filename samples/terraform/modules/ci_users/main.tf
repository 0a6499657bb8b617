variable "group_id" {
  type = string
}

resource "huaweicloud_identity_user" "billing_bot" {
  name        = "billing-bot"
  description = "Runs the monthly billing job"
  enabled     = true
}

resource "huaweicloud_identity_group_membership" "finance_ops" {
  group = var.group_id
  users = [huaweicloud_identity_user.billing_bot.id]
}
