"""The API tokens page: create (the secret is shown once), list with status, revoke."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shop import selectors, services
from shop.exceptions import TokenNotFound
from shop.forms import TokenCreateForm
from shop.models import ApiToken


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    status: str


def _token_status(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "Revoked"
    if token.expires_at <= now:
        return "Expired"
    return "Active"


def _render_tokens(
    request: HttpRequest, form: TokenCreateForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    rows = [
        TokenRow(token, _token_status(token, now))
        for token in selectors.tokens_for(request.user, include_revoked=True)
    ]
    return render(
        request, "shop/tokens.html", {"form": form, "rows": rows, "secret": secret}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_tokens(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _render_tokens(request, form, status=422)
    issued = services.token_create(
        user=request.user,
        name=form.cleaned_data["name"],
        expires_in_days=form.cleaned_data["expires_in_days"],
    )
    # Rendered, not redirected: the secret exists only in this response and is never stored.
    messages.success(request, f"Token “{issued.token.name}” created. Copy it now: it is shown only once.")
    return _render_tokens(request, TokenCreateForm(), secret=issued.secret, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation, naming the token (a revoked token cannot be brought back);
    POST: revoke it."""
    token = selectors.tokens_for(request.user, include_revoked=True).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    if request.method == "GET":
        status = _token_status(token, timezone.now())
        if status != "Active":
            messages.info(request, f"Token “{token.name}” is {status.lower()} already.")
            return redirect("shop:tokens")
        return render(request, "shop/token_revoke.html", {"token": token})
    try:
        services.token_revoke(user=request.user, token_id=pk)
    except TokenNotFound:
        raise Http404("No such active token.") from None
    messages.success(
        request, f"Token “{token.name}” revoked. Requests using it are refused from now on."
    )
    return redirect("shop:tokens")
