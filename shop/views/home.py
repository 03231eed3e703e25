"""The front door: what a visitor who is not signed in sees, with the sign-in beside it.

Every shop page needs an account (prices are per company), so "/" and every other page send a
visitor here (allauth's login, `?next=` kept). Rather than a bare login card, it says what the
shop sells and to whom, with the catalogue's categories.
"""

from typing import Any

from allauth.account.views import LoginView

from shop import selectors


def category_summary() -> list[dict[str, Any]]:
    """The categories on sale, by name, with how many products each has (both read cached)."""
    counts = selectors.product_facets().categories
    return [
        {"slug": slug, "name": name, "count": counts.get(slug, 0)}
        for slug, name in selectors.category_choices()
    ]


class LandingLoginView(LoginView):
    template_name = "account/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["categories"] = category_summary()
        return context


landing_login = LandingLoginView.as_view()
