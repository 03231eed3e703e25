"""`@company_role_required(...)`: the HTML views' server-side role check."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from companies.exceptions import Forbidden
from companies.models import Role
from companies.services import require_role

View = Callable[..., HttpResponse]
ALL_ROLES = tuple(Role.values)


def company_role_required(*roles: str) -> Callable[[View], View]:
    """Logged in (else to the login page) and a member with one of `roles` (else 403).

    Sets `request.membership` (with `.company`) for the view. With no roles given, any
    member passes. A `Forbidden` raised by a service inside the view is a 403 too.
    """
    allowed = roles or ALL_ROLES

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                request.membership = require_role(user=request.user, roles=allowed)
                return view(request, *args, **kwargs)
            except Forbidden as exc:
                raise PermissionDenied(str(exc)) from None

        return wrapper

    return decorator
