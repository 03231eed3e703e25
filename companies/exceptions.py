"""Domain exceptions raised by companies.services. Views turn them into 403s, form errors or
JSON errors; services never build HTTP responses."""


class CompanyError(Exception):
    """Base class: every company-service failure the caller is expected to handle."""


class Forbidden(CompanyError):
    """The caller has no company, or their role does not allow this."""


class LastAdmin(CompanyError):
    """The change would leave the company without an admin."""

    def __init__(self) -> None:
        super().__init__("A company needs at least one admin: make someone else admin first.")


class MemberNotFound(CompanyError):
    """No such member in the caller's company (another company's member does not exist here)."""


class AddressNotFound(CompanyError):
    """No such address in the caller's company."""


class InvitationNotFound(CompanyError):
    """No such pending invitation in the caller's company."""


class InvitationInvalid(CompanyError):
    """The invitation link is unknown, expired, revoked or already used."""


class AlreadyMember(CompanyError):
    """The email already has an account: a user belongs to one company only."""
