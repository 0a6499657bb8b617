"""Huawei's system-defined permissions for BSS, known by name only.

Huawei lists these permissions and describes their scope in words (usermanual-permissions,
iam_01_0001) but does not publish their statements. A grants file may name one without its
document; bsscheck then cannot say what it allows or denies, only what it could plausibly
touch, and answers ``unknown`` there. The IAM API prints the document, and the notice says how.
"""

from __future__ import annotations

from dataclasses import dataclass

from permtable.errors import Location

PERMISSIONS_PAGE = "https://support.huaweicloud.com/intl/en-us/usermanual-permissions/iam_01_0001.html"


@dataclass(frozen=True, slots=True)
class SystemPermission:
    """A system permission Huawei documents for BSS, with the scope its description gives."""

    name: str
    is_role: bool  # Version 1.0: BSS APIs authenticate policies only, so it grants nothing
    scope: str  # Huawei's description, in our words
    read_only: bool  # described as read-only: it cannot plausibly grant a change

    def could_touch(self, code: str) -> bool:
        """Whether this permission's document could name ``code`` (a ``bss:`` permission).

        A read-only permission plausibly holds the viewing actions only; every other one is
        taken to reach every BSS permission, which is the wider (stricter) reading.
        """
        if self.is_role:
            return False
        action = code.rpartition(":")[2].lower()
        return not self.read_only or action.startswith(_READ_VERBS)


_READ_VERBS = ("view", "list", "get", "query", "show", "read")

SYSTEM_PERMISSIONS: dict[str, SystemPermission] = {
    permission.name: permission
    for permission in (
        SystemPermission(
            "BSS Administrator",
            is_role=True,
            scope="all operations of Billing, Resource and Account centers (a system role)",
            read_only=False,
        ),
        SystemPermission(
            "BSS ReadonlyAccess",
            is_role=False,
            scope="read-only access to Billing, Cost and Message centers",
            read_only=True,
        ),
        SystemPermission(
            "BSS FinanceAccess",
            is_role=False,
            scope="all finance operations of Billing Center",
            read_only=False,
        ),
        SystemPermission(
            "Enterprise Project BSS FullAccess",
            is_role=False,
            scope="the BSS operations enterprise projects support",
            read_only=False,
        ),
    )
}


def export_command(name: str) -> str:
    """The KooCLI command that prints a system permission with its document."""
    return f'hcloud IAM KeystoneListPermissions --display_name="{name}"'


@dataclass(frozen=True, slots=True)
class SystemPolicyRef:
    """A grant whose document is not known offline: a system permission named without it, or
    (``source`` "terraform") a policy or attachment whose value Terraform learns only at apply.
    Every permission its ``permission.could_touch`` reaches is decided ``unknown``."""

    permission: SystemPermission
    location: Location
    source: str = "system_policy"  # the GrantRef source of what it may grant or deny
    identity: bool = False  # it may also hold identity-policy statements
    settle: str | None = None  # what settles it, for the notes (system policies: the export command)

    @property
    def name(self) -> str:
        return self.permission.name
