"""HTML views, a module per area mirroring shop/services/ (the JSON API is shop/api/).

One shape: check input, call the service, redirect (or re-render with errors). HTMX requests
get a partial of the same template; the same URL without HTMX renders the whole page, so every
flow also works with JavaScript off.
"""
