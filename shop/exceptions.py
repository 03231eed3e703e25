"""Domain exceptions raised by shop.services. Views turn them into form errors or JSON errors."""

from dataclasses import dataclass
from typing import Any


class ShopError(Exception):
    """Base class: every service failure the caller is expected to handle."""


@dataclass(frozen=True)
class ShortLine:
    product_id: int
    requested: int
    available: int


class InsufficientStock(ShopError):
    def __init__(self, short_lines: list[ShortLine]) -> None:
        self.short_lines = sorted(short_lines, key=lambda line: line.product_id)
        super().__init__(
            "Not enough stock for "
            + ", ".join(
                f"product {line.product_id} (requested {line.requested}, available {line.available})"
                for line in self.short_lines
            )
        )


class InvalidOrder(ShopError):
    """The request itself is wrong: bad quantities, unknown or inactive products, no lines.

    `errors` maps a field name ("lines", "lines[2].quantity", ...) to a list of messages.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))


class IdempotencyKeyReused(ShopError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__("This Idempotency-Key was already used with a different request body.")


class NotCancellable(ShopError):
    def __init__(self, order_id: int, status: str) -> None:
        self.order_id = order_id
        self.status = status
        super().__init__(f"Order {order_id} is {status} and cannot be cancelled.")


class TransitionRefused(ShopError):
    """An order cannot move from its status to the one asked for (only the next step can be
    taken; cancelling is order_cancel's)."""

    def __init__(self, order_id: int, status: str, to_status: str) -> None:
        self.order_id = order_id
        self.status = status
        self.to_status = to_status
        super().__init__(f"Order {order_id} is {status} and cannot be marked {to_status}.")


class OrderNotFound(ShopError):
    def __init__(self, order_id: int) -> None:
        self.order_id = order_id
        super().__init__(f"Order {order_id} does not exist.")


class ProductUnavailable(ShopError):
    """The product does not exist or is not active."""

    def __init__(self, product_id: int) -> None:
        self.product_id = product_id
        super().__init__(f"Product {product_id} does not exist or is not for sale.")


class InvalidQuantity(ShopError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class PackProblem:
    """A quantity the product's pack rules refuse (shop.services.packs)."""

    product_id: int
    name: str
    quantity: int
    problem: str  # e.g. "sold in multiples of 8: 8 or 16"
    nearest: tuple[int, ...]  # the allowed quantities next to it, ascending (may be empty)

    @property
    def message(self) -> str:
        """"Sold in multiples of 8: 8 or 16.", for a place that already names the product."""
        return f"{self.problem[:1].upper()}{self.problem[1:]}."

    @property
    def named(self) -> str:
        """"Pale ale malt: sold in multiples of 8: 8 or 16."."""
        return f"{self.name}: {self.problem}."


class QuantityNotAllowed(InvalidQuantity):
    """Quantities the pack rules refuse; nothing was changed. `problems` are sorted by product."""

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.product_id)
        super().__init__(" ".join(problem.named for problem in self.problems))


class InvalidTokenExpiry(ShopError):
    """A token's lifetime that is not a whole number of days in the allowed range."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class StockWouldGoNegative(ShopError):
    def __init__(self, product_id: int, change: int, available: int) -> None:
        self.product_id = product_id
        self.change = change
        self.available = available
        super().__init__(
            f"Product {product_id}: a change of {change:+d} would take stock of {available} below zero."
        )


class CartNotAsShown(ShopError):
    """The checkout page showed (or the buyer typed) other lines than the cart holds.

    `shown` and `cart` map product id to quantity. Nothing was ordered.
    """

    def __init__(self, *, shown: dict[int, int], cart: dict[int, int]) -> None:
        self.shown = shown
        self.cart = cart
        super().__init__("The cart holds other lines than the checkout page showed.")

    @property
    def only_quantities_differ(self) -> bool:
        """Same products, other quantities: edits typed on the page and not saved yet."""
        return self.shown.keys() == self.cart.keys()


class CartAlreadyOrdered(ShopError):
    """Another checkout of the same cart (another tab) placed `order` first. Nothing was ordered."""

    def __init__(self, order: Any) -> None:
        self.order = order
        super().__init__(f"This cart was already ordered as {order.reference}.")


class StockWriteRefused(Exception):
    """Code tried to write Product.stock other than through shop.services.stock.

    A programming error, not a ShopError: no caller is expected to handle it.
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        super().__init__(
            f"Product {', '.join(fields)} changes only through shop.services.stock "
            "(stock_adjust, stock_set, order_place, order_cancel)."
        )


class TokenNotFound(ShopError):
    pass


class InvoiceNotIssued(ShopError):
    """The order has no invoice (yet): one is issued when it is dispatched."""

    def __init__(self, order_id: int) -> None:
        self.order_id = order_id
        super().__init__(f"Order {order_id} has no invoice: it has not been dispatched.")


class SavedListNotFound(ShopError):
    """No such list in the caller's company (another company's list does not exist for you)."""

    def __init__(self, list_id: int) -> None:
        self.list_id = list_id
        super().__init__(f"List {list_id} does not exist.")


class InvalidListName(ShopError):
    """A list name that is empty, too long, or already another of the company's lists."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
