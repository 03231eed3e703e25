from django.http import HttpRequest, HttpResponse, JsonResponse

from shop import services
from shop.api.auth import accepts_json, require_json, token_required
from shop.api.errors import not_found
from shop.api.pagination import paginate
from shop.api.schemas import parse_token_request
from shop.api.serializers import serialize_issued_token, serialize_token
from shop.api.throttle import authenticate_for_token
from shop.exceptions import TokenNotFound
from shop.selectors import tokens_for


@accepts_json
def token_create(request: HttpRequest) -> JsonResponse:
    data = parse_token_request(require_json(request))
    user = authenticate_for_token(request, email=data.email, password=data.password)
    issued = services.token_create(user=user, name=data.name, expires_in_days=data.expires_in_days)
    return JsonResponse(serialize_issued_token(issued), status=201)


@token_required
def token_list(request: HttpRequest) -> JsonResponse:
    tokens = tokens_for(request.user, include_revoked=False)
    return JsonResponse(paginate(request, tokens, serialize_token))


@token_required
def token_revoke_current(request: HttpRequest) -> HttpResponse:
    services.token_revoke(user=request.user, token_id=request.api_token.pk)
    return HttpResponse(status=204)


@token_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.token_revoke(user=request.user, token_id=token_id)
    except TokenNotFound:
        raise not_found(f"You have no active token {token_id}.") from None
    return HttpResponse(status=204)
