"""The OpenAPI 3.1 description of the JSON API (docs/API.md), served at /api/v1/openapi.json.

Written by hand next to the views it describes; tests/api/test_openapi.py validates it as
OpenAPI 3.1 and runs schemathesis against the app so the two cannot drift apart silently.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from shop.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from shop.allergens import ALLERGENS, DIETARY
from shop.api.schemas import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_TOKEN_NAME_LENGTH,
    PRODUCT_API_ORDERINGS,
)
from shop.models import MeasureUnit, Order, Product
from shop.selectors import MAX_SEARCH_LENGTH
from shop.services.checkout import MAX_NOTES_LENGTH, MAX_PO_NUMBER_LENGTH
from shop.services.tokens import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS

ERROR_CODES = [
    "invalid_json",
    "invalid",
    "not_authenticated",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "insufficient_stock",
    "not_cancellable",
    "too_large",
    "unsupported_media_type",
    "idempotency_key_reused",
    "rate_limited",
    "server_error",
]
MAX_ID = 999_999_999_999_999_999  # the URL converter's 18 digits
SKU_MAX_LENGTH = Product._meta.get_field("sku").max_length
MONEY = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["12.50"]}
TIMESTAMP = {"type": "string", "format": "date-time"}
VAT_RATE = {
    "type": "string",
    "pattern": r"^[0-9]{1,3}\.[0-9]{2}$",
    "examples": ["20.00"],
    "description": "VAT in percent (UK food is mostly 0.00, some items 20.00).",
}
NO_CONTROL_CHARS = r"^[^\x00-\x1f\x7f]*$"


def _codes_pattern(codes: list[str]) -> str:
    """Empty, or codes separated by commas."""
    one = "(" + "|".join(codes) + ")"
    return f"^({one}(,{one})*)?$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ok(description: str, schema_name: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": _json(_ref(schema_name))}
    if headers:
        response["headers"] = headers
    return response


def _error(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": _ref(item)},
        },
    }


def _id_parameter(name: str, what: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {what}'s id.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/page_size"},
]
LIST_ERRORS = {"400": _error("Invalid"), "401": _error("NotAuthenticated"), "404": _error("NotFound")}
BODY_ERRORS = {
    "400": _error("Invalid"),
    "413": _error("TooLarge"),
    "415": _error("UnsupportedMediaType"),
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": ERROR_CODES},
                    "message": {"type": "string"},
                    "details": {
                        "description": "For `invalid`: field name to a list of messages. "
                        "For `insufficient_stock`: every short line.",
                        "oneOf": [
                            {
                                "type": "object",
                                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                            },
                            {"type": "array", "items": _ref("ShortLine")},
                        ],
                    },
                },
            }
        },
    },
    "ShortLine": {
        "type": "object",
        "required": ["product", "requested", "available"],
        "properties": {
            "product": {"type": "integer"},
            "requested": {"type": "integer"},
            "available": {"type": "integer"},
        },
    },
    "Category": {
        "type": "object",
        "required": ["slug", "name"],
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    },
    "Product": {
        "type": "object",
        "required": [
            "id", "sku", "name", "description", "category", "unit", "price", "currency", "stock",
            "in_stock", "list_price", "vat_rate", "measure", "price_per_measure_unit",
            "min_order_quantity", "order_multiple", "price_breaks",
            "allergens", "dietary", "origin",
        ],
        "properties": {
            "id": {"type": "integer"},
            "sku": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "category": _ref("Category"),
            "unit": {"type": "string", "description": 'Pack size as sold, e.g. "25 kg sack".'},
            "price": {
                **MONEY,
                "description": "What the caller's company pays for one unit at the smallest "
                "quantity the pack rules allow: its contract price if it has one, else the list "
                "price's tier for that quantity. Before VAT.",
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["GBP"]},
            "stock": {"type": "integer", "minimum": 0},
            "in_stock": {"type": "boolean"},
            "list_price": {**MONEY, "description": "The public price (the 1+ tier), before VAT."},
            "vat_rate": VAT_RATE,
            "measure": {
                "description": "What one unit holds (a 25 kg sack: 25 kg), or null.",
                "oneOf": [_ref("Measure"), {"type": "null"}],
            },
            "price_per_measure_unit": {
                "description": "`price` divided by the measure's amount, two decimals (half "
                "up); null without a measure.",
                "oneOf": [MONEY, {"type": "null"}],
            },
            "min_order_quantity": {
                "type": "integer",
                "minimum": 1,
                "description": "An order line needs at least this many units.",
            },
            "order_multiple": {
                "type": "integer",
                "minimum": 1,
                "description": "An order line's quantity must be a whole multiple of this.",
            },
            "price_breaks": {
                "type": "array",
                "items": _ref("PriceBreak"),
                "description": "The list price's volume tiers, ascending: a line of at least "
                "`min_quantity` units pays `unit_price` each. Empty when there are none or the "
                "company has a contract price, which holds at every quantity.",
            },
            "allergens": {
                "type": "array",
                "items": {"type": "string", "enum": ALLERGENS.codes},
                "description": "The declarable allergens the product contains.",
            },
            "dietary": {
                "type": "array",
                "items": {"type": "string", "enum": DIETARY.codes},
                "description": "The dietary marks the product carries.",
            },
            "origin": {"type": "string", "description": 'Country or region, e.g. "England"; may be empty.'},
        },
    },
    "Measure": {
        "type": "object",
        "required": ["amount", "unit"],
        "properties": {
            "amount": {"type": "string", "pattern": r"^[0-9]+\.[0-9]{3}$", "examples": ["25.000"]},
            "unit": {"type": "string", "enum": list(MeasureUnit.values)},
        },
    },
    "PriceBreak": {
        "type": "object",
        "required": ["min_quantity", "unit_price"],
        "properties": {
            "min_quantity": {"type": "integer", "minimum": 2},
            "unit_price": MONEY,
        },
    },
    "OrderLine": {
        "type": "object",
        "required": ["product", "sku", "name", "unit_price", "quantity", "line_total", "vat_rate"],
        "properties": {
            "product": {"type": "integer"},
            "sku": {"type": "string"},
            "name": {"type": "string", "description": "The product's name when ordered."},
            "unit": {"type": "string"},
            "unit_price": {**MONEY, "description": "The price when ordered."},
            "quantity": {"type": "integer", "minimum": 1},
            "line_total": MONEY,
            "vat_rate": {**VAT_RATE, "description": "The product's VAT rate when ordered."},
        },
    },
    "Order": {
        "type": "object",
        "required": [
            "id", "status", "created_at", "currency", "total", "lines", "vat", "total_with_vat",
        ],
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string", "examples": ["ORD-000123"]},
            "status": {
                "type": "string",
                "enum": ["placed", "confirmed", "dispatched", "delivered", "cancelled"],
            },
            "created_at": TIMESTAMP,
            "cancelled_at": {"type": ["string", "null"], "format": "date-time"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "total": {**MONEY, "description": "The sum of the lines' line_total, before VAT."},
            "lines": {"type": "array", "items": _ref("OrderLine")},
            "vat": {
                **MONEY,
                "description": "VAT on the lines at the rates they were ordered at: per rate, "
                "on the sum of the lines at that rate, rounded to the penny half up.",
            },
            "total_with_vat": {**MONEY, "description": "total plus vat."},
            "status_history": {
                "type": "array",
                "description": "Every status the order has had, oldest first, `placed` first.",
                "items": _ref("OrderStatusStep"),
            },
            "po_number": {"type": "string", "description": "Empty when none was given."},
            "delivery_date": {"type": ["string", "null"], "format": "date"},
            "delivery_address": {
                "description": "The address as it was when ordered (`id` null once the address "
                "is deleted), or null.",
                "oneOf": [_ref("OrderAddress"), {"type": "null"}],
            },
            "notes": {"type": "string"},
            "placed_by": {
                "type": "object",
                "required": ["id", "email"],
                "properties": {"id": {"type": "integer"}, "email": {"type": "string"}},
            },
        },
    },
    "OrderStatusStep": {
        "type": "object",
        "required": ["status", "at"],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["placed", "confirmed", "dispatched", "delivered", "cancelled"],
            },
            "at": TIMESTAMP,
        },
    },
    "OrderAddress": {
        "type": "object",
        "required": ["id", "label", "lines", "postcode", "country", "is_default"],
        "properties": {
            "id": {"type": ["integer", "null"]},
            "label": {"type": "string"},
            "lines": {"type": "array", "items": {"type": "string"}},
            "postcode": {"type": "string"},
            "country": {"type": "string"},
            "is_default": {"type": "boolean"},
        },
    },
    "OrderRequest": {
        "type": "object",
        "required": ["lines"],
        "properties": {
            "lines": {
                "type": "array",
                "minItems": 1,
                "maxItems": settings.SHOP_MAX_ORDER_LINES,
                "description": "Each line names its product by id (`product`) or by `sku` "
                "(letter case does not matter for a SKU written in one case), not both; lines "
                "naming the same product are added together. Each product's "
                "quantity must be at least its `min_order_quantity` and a whole multiple of its "
                "`order_multiple`.",
                "items": {
                    "type": "object",
                    "required": ["quantity"],
                    "oneOf": [{"required": ["product"]}, {"required": ["sku"]}],
                    "properties": {
                        "product": {"type": "integer", "minimum": 1},
                        "sku": {"type": "string", "minLength": 1, "maxLength": SKU_MAX_LENGTH},
                        "quantity": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": settings.SHOP_MAX_LINE_QUANTITY,
                        },
                    },
                },
            },
            "po_number": {
                "type": "string",
                "maxLength": MAX_PO_NUMBER_LENGTH,
                "description": "Required when the company's `po_number_required` is true.",
            },
            "delivery_date": {
                "type": "string",
                "format": "date",
                "description": "A working day (no weekend or bank holiday) from the next working "
                f"day up to {settings.SHOP_DELIVERY_MAX_DAYS} days ahead.",
            },
            "delivery_address": {
                "type": "integer",
                "minimum": 1,
                "description": "One of the company's address ids; default: its default address.",
            },
            "notes": {"type": "string", "maxLength": MAX_NOTES_LENGTH},
        },
    },
    "Token": {
        "type": "object",
        "required": ["id", "name", "created_at", "expires_at", "last_used_at"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "created_at": TIMESTAMP,
            "expires_at": TIMESTAMP,
            "last_used_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "Updated at most once a minute.",
            },
        },
    },
    "IssuedToken": {
        "type": "object",
        "required": ["id", "name", "token", "created_at", "expires_at"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "token": {
                "type": "string",
                "description": "The secret. Shown only in this response; only a hash is kept.",
            },
            "created_at": TIMESTAMP,
            "expires_at": TIMESTAMP,
        },
    },
    "TokenRequest": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {
            "email": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_EMAIL_LENGTH,
                "pattern": NO_CONTROL_CHARS,
            },
            "password": {"type": "string", "minLength": 1, "maxLength": MAX_PASSWORD_LENGTH},
            "name": {"type": "string", "maxLength": MAX_TOKEN_NAME_LENGTH, "pattern": NO_CONTROL_CHARS},
            "expires_in_days": {
                "type": "integer",
                "minimum": MIN_EXPIRY_DAYS,
                "maximum": MAX_EXPIRY_DAYS,
                "default": DEFAULT_EXPIRY_DAYS,
            },
        },
    },
    "Company": {
        "type": "object",
        "required": ["id", "name", "vat_number", "role", "po_number_required"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "vat_number": {"type": "string", "description": "Empty when none is given."},
            "role": {"type": "string", "enum": ["admin", "buyer", "viewer"], "description": "The caller's role."},
            "po_number_required": {"type": "boolean"},
        },
    },
    "Address": {
        "type": "object",
        "required": ["id", "label", "lines", "postcode", "country", "is_default"],
        "properties": {
            "id": {"type": "integer"},
            "label": {"type": "string"},
            "lines": {"type": "array", "items": {"type": "string"}},
            "postcode": {"type": "string"},
            "country": {"type": "string", "description": "ISO 3166-1 alpha-2, e.g. GB."},
            "is_default": {"type": "boolean"},
        },
    },
    "AddressPage": _page_of("Address"),
    "ProductPage": _page_of("Product"),
    "OrderPage": _page_of("Order"),
    "TokenPage": _page_of("Token"),
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]}},
    },
}


def _error_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": _json(_ref("Error"))}
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "Invalid": _error_response(
        "`invalid_json`: the body is not a JSON object. `invalid`: a field or query parameter is "
        "missing or wrong; `details` maps each field to its messages."
    ),
    "NotAuthenticated": _error_response(
        "`not_authenticated`: no credentials, or a wrong, expired or revoked token.",
        {"WWW-Authenticate": {"required": True, "schema": {"type": "string", "const": "Bearer"}}},
    ),
    "NotFound": _error_response(
        "`not_found`: no such object, it belongs to another user, or the page is past the end."
    ),
    "Forbidden": _error_response(
        "`forbidden`: the caller belongs to no company, or their role does not allow this."
    ),
    "TooLarge": _error_response("`too_large`: the body is over the size limit."),
    "UnsupportedMediaType": _error_response(
        "`unsupported_media_type`: the body is not sent as `application/json`."
    ),
    "RateLimited": _error_response(
        "`rate_limited`: too many failed attempts for this email or from this address.",
        {
            "Retry-After": {
                "required": True,
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    ),
}

PARAMETERS = {
    "page": {
        "name": "page",
        "in": "query",
        "description": "Page number, from 1. A page past the end is a 404.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999, "default": 1},
    },
    "page_size": {
        "name": "page_size",
        "in": "query",
        "description": f"Items per page, at most {MAX_PAGE_SIZE}.",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "default": DEFAULT_PAGE_SIZE,
        },
    },
}

SECURED = [{"bearerAuth": []}]

PATHS: dict[str, Any] = {
    "/api/v1/tokens": {
        "post": {
            "operationId": "createToken",
            "summary": "Create a personal API token from an email and password",
            "tags": ["tokens"],
            "security": [],
            "requestBody": {"required": True, "content": _json(_ref("TokenRequest"))},
            "responses": {
                "201": _ok("The new token. The secret is never shown again.", "IssuedToken"),
                **BODY_ERRORS,
                "401": _error("NotAuthenticated"),
                "429": _error("RateLimited"),
            },
        },
        "get": {
            "operationId": "listTokens",
            "summary": "The caller's tokens that are not revoked, newest first, without secrets",
            "tags": ["tokens"],
            "parameters": PAGE_PARAMETERS,
            "responses": {"200": _ok("A page of tokens.", "TokenPage"), **LIST_ERRORS},
        },
    },
    "/api/v1/tokens/current": {
        "delete": {
            "operationId": "revokeCurrentToken",
            "summary": "Revoke the token used for this call; it stops working at once",
            "tags": ["tokens"],
            "responses": {"204": {"description": "Revoked."}, "401": _error("NotAuthenticated")},
        }
    },
    "/api/v1/tokens/{token_id}": {
        "delete": {
            "operationId": "revokeToken",
            "summary": "Revoke one of the caller's tokens",
            "tags": ["tokens"],
            "parameters": [_id_parameter("token_id", "token")],
            "responses": {
                "204": {"description": "Revoked."},
                "401": _error("NotAuthenticated"),
                "404": _error("NotFound"),
            },
        }
    },
    "/api/v1/products": {
        "get": {
            "operationId": "listProducts",
            "summary": "Active products",
            "tags": ["products"],
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "description": "Words, in any order and any form (\"flours\" finds flour), "
                    "each found in the name, SKU, category, unit or description; case-insensitive.",
                    "schema": {"type": "string", "maxLength": MAX_SEARCH_LENGTH, "pattern": NO_CONTROL_CHARS},
                },
                {
                    "name": "category",
                    "in": "query",
                    "description": "A category slug.",
                    "schema": {"type": "string", "maxLength": 60, "pattern": NO_CONTROL_CHARS},
                },
                {
                    "name": "in_stock",
                    "in": "query",
                    "description": "`true`: only products with stock.",
                    "schema": {"type": "boolean", "default": False},
                },
                {
                    "name": "free_from",
                    "in": "query",
                    "description": "Comma-separated allergen codes: none of them may be present.",
                    "schema": {"type": "string", "pattern": _codes_pattern(ALLERGENS.codes)},
                },
                {
                    "name": "dietary",
                    "in": "query",
                    "description": "Comma-separated dietary codes: all of them must hold.",
                    "schema": {"type": "string", "pattern": _codes_pattern(DIETARY.codes)},
                },
                {
                    "name": "ordering",
                    "in": "query",
                    "description": "`relevance`: a search's best matches first (by name without "
                    "a search, or when it matches more than 5,000 products).",
                    "schema": {"type": "string", "enum": PRODUCT_API_ORDERINGS, "default": "name"},
                },
                *PAGE_PARAMETERS,
            ],
            "responses": {"200": _ok("A page of products.", "ProductPage"), **LIST_ERRORS},
        }
    },
    "/api/v1/products/{product_id}": {
        "get": {
            "operationId": "getProduct",
            "summary": "One active product",
            "tags": ["products"],
            "parameters": [_id_parameter("product_id", "product")],
            "responses": {
                "200": _ok("The product.", "Product"),
                "401": _error("NotAuthenticated"),
                "404": _error("NotFound"),
            },
        }
    },
    "/api/v1/orders": {
        "get": {
            "operationId": "listOrders",
            "summary": "The caller's company's orders, newest first",
            "tags": ["orders"],
            "parameters": [
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(Order.Status.values)},
                },
                {
                    "name": "created_after",
                    "in": "query",
                    "description": "Orders placed on or after this date.",
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "created_before",
                    "in": "query",
                    "description": "Orders placed on or before this date.",
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "q",
                    "in": "query",
                    "description": "A reference (ORD-000123) or part of a PO number.",
                    "schema": {"type": "string", "maxLength": MAX_SEARCH_LENGTH, "pattern": NO_CONTROL_CHARS},
                },
                *PAGE_PARAMETERS,
            ],
            "responses": {"200": _ok("A page of orders.", "OrderPage"), **LIST_ERRORS},
        },
        "post": {
            "operationId": "placeOrder",
            "summary": "Place an order: every line in stock, or nothing changes",
            "tags": ["orders"],
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "description": "Send the same key with the same body again to get the original "
                    "order back instead of a second one. Lines are compared as named: a product "
                    "named by `sku` in one request and by `product` id in the other makes "
                    "another body.",
                    "schema": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 255,
                        "pattern": r"^[\x20-\x7e]+$",
                    },
                }
            ],
            "requestBody": {"required": True, "content": _json(_ref("OrderRequest"))},
            "responses": {
                "201": _ok(
                    "The order (placed now, or earlier with the same Idempotency-Key).",
                    "Order",
                    {
                        "Location": {
                            "required": True,
                            "description": "The order's URL.",
                            "schema": {"type": "string", "format": "uri"},
                        },
                        "Idempotent-Replayed": {
                            "description": "`true` when this is the order placed earlier with this key.",
                            "schema": {"type": "string", "const": "true"},
                        },
                    },
                ),
                **BODY_ERRORS,
                "401": _error("NotAuthenticated"),
                "403": _error("Forbidden"),
                "409": _error_response(
                    "`insufficient_stock`: some lines ask for more than is in stock; `details` "
                    "lists every short line. Nothing was ordered."
                ),
                "422": _error_response(
                    "`idempotency_key_reused`: this Idempotency-Key came with another body before."
                ),
            },
        },
    },
    "/api/v1/orders/{order_id}": {
        "get": {
            "operationId": "getOrder",
            "summary": "One of the caller's company's orders",
            "tags": ["orders"],
            "parameters": [_id_parameter("order_id", "order")],
            "responses": {
                "200": _ok("The order.", "Order"),
                "401": _error("NotAuthenticated"),
                "404": _error("NotFound"),
            },
        }
    },
    "/api/v1/orders/{order_id}/cancel": {
        "post": {
            "operationId": "cancelOrder",
            "summary": "Cancel a placed or confirmed order and put its stock back",
            "tags": ["orders"],
            "parameters": [_id_parameter("order_id", "order")],
            "responses": {
                "200": _ok("The cancelled order.", "Order"),
                **BODY_ERRORS,
                "401": _error("NotAuthenticated"),
                "403": _error("Forbidden"),
                "404": _error("NotFound"),
                "409": _error_response(
                    "`not_cancellable`: the order is dispatched, delivered or already cancelled."
                ),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "tags": ["meta"],
            "security": [],
            "responses": {
                "200": {"description": "OpenAPI 3.1", "content": _json({"type": "object"})}
            },
        }
    },
    "/api/v1/company": {
        "get": {
            "operationId": "getCompany",
            "summary": "The caller's company, with the caller's role in it",
            "tags": ["companies"],
            "responses": {
                "200": _ok("The company.", "Company"),
                "401": _error("NotAuthenticated"),
                "403": _error("Forbidden"),
            },
        }
    },
    "/api/v1/addresses": {
        "get": {
            "operationId": "listAddresses",
            "summary": "The caller's company's delivery addresses, the default first",
            "tags": ["companies"],
            "parameters": PAGE_PARAMETERS,
            "responses": {
                "200": _ok("A page of addresses.", "AddressPage"),
                **LIST_ERRORS,
                "403": _error("Forbidden"),
            },
        }
    },
    "/healthz": {
        "get": {
            "operationId": "health",
            "summary": "Whether the shop and its database answer",
            "tags": ["meta"],
            "security": [],
            "responses": {
                "200": _ok("The database answers.", "Health"),
                "503": _ok("The database does not answer.", "Health"),
            },
        }
    },
}

DESCRIPTION = """\
JSON API of the ingredients shop. Every response is JSON, errors included:
`{"error": {"code", "message", "details"?}}`.

Authenticate with `Authorization: Bearer <token>` (`Authorization: Token <token>` works too).
Create a token with `POST /api/v1/tokens`. Session cookies are not accepted.

Money is a string with two decimals; times are ISO 8601 in UTC; lists are paginated with
`page` and `page_size` (default 20, at most 100). A method an endpoint does not have gets
`405 method_not_allowed` with an `Allow` header.
"""


def build_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ingredients shop API", "version": "1.0.0", "description": DESCRIPTION},
        "security": SECURED,
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": RESPONSES,
            "parameters": PARAMETERS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token. The `Token` scheme is accepted too.",
                }
            },
        },
    }


def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(build_document())
