"""How the catalogue search reads what a buyer typed: the match, its ranking and its suggestions,
for shop.selectors.

On PostgreSQL the words go to full-text search over Product.search_vector, which a trigger
keeps (migration 0012): `plainto_tsquery('english', ...)` stems them as the vector's words were
stemmed ("flours" finds flour, "malts" the category "Malts & grains"), drops stop words ("salt
and vinegar"), keeps numbers as they are ("25 kg" finds the unit "25 kg sack"), and every word
must match, in any order. Whole words only: a prefix match (`flo:*`) would find "flour" while
it is typed, but PostgreSQL cannot estimate how many rows a prefix matches, and with the
estimate off by a factor of 40 it sorted 80,000 matches instead of walking the name index. A
query of one token with a digit or a hyphen also matches as a substring of the SKU (the
trigram index of 0002), so a fragment like "gen-00123" still finds its SKUs. Typos get a suggestion from the trigram index
over the catalogue's words (SearchWord).

On SQLite (development and demos) a simpler match: every word must appear in the name, SKU,
description, category name, unit or origin, ignoring case, with a trailing "s" dropped.
"""

import difflib
import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramDistance
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import Expression

from shop.models import SearchWord

MAX_WORDS = 10
# What separates words in a query: anything but letters, digits and a decimal point inside a
# number ("7.26 kg"). The trigger splits the indexed texts at hyphens, slashes and
# underscores in the same way (SKUs: "FLR-RYE-25" is flr, rye, 25).
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
# "25kg" is two words, as in "25 kg sack".
_GLUED_UNIT = re.compile(r"(?<=\d)(?=(?:kg|g|l|ml|cl)\b)", re.IGNORECASE)
# Too common to narrow anything; SQLite only (PostgreSQL's english configuration has its own).
_SQLITE_STOP_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with".split()
)
_SUGGEST_MIN_LENGTH = 3
_SUGGEST_CUTOFF = 0.7
_SUGGEST_CANDIDATES = 10


def _spelling_similarity(typed: str, word: str) -> float:
    return difflib.SequenceMatcher(None, typed, word).ratio()


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def words(q: str) -> list[str]:
    """The query's words, lower case, each once, in order; at most MAX_WORDS."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(_GLUED_UNIT.sub(" ", q.lower())):
        seen.setdefault(token, None)
    return list(seen)[:MAX_WORDS]


def _sku_like(q: str) -> str:
    """The query when it looks like a fragment of a SKU (one token of 3+ characters with a
    digit or a hyphen: "gen-00123", "RYE-2"), else "". Only then: an OR with the substring
    match costs the search its estimate, so a plain word ("sourdough") goes without it."""
    q = q.strip()
    if len(q) < 3 or any(c.isspace() for c in q):
        return ""
    return q if any(c.isdigit() or c in "-_/" for c in q) else ""


def _ts_query(terms: Iterable[str], *, any_word: bool = False) -> SearchQuery:
    terms = list(terms)
    if not any_word:
        return SearchQuery(" ".join(terms), config="english")
    query = SearchQuery(terms[0], config="english")
    for term in terms[1:]:
        query |= SearchQuery(term, config="english")
    return query


def _sqlite_word(word: str) -> Q:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return (
        Q(name__icontains=word)
        | Q(sku__icontains=word)
        | Q(description__icontains=word)
        | Q(category__name__icontains=word)
        | Q(unit__icontains=word)
        | Q(origin__icontains=word)
    )


def match(q: str, *, any_word: bool = False) -> Q | None:
    """The filter for products matching `q` (every word, or with `any_word` at least one), or
    None when it has no words."""
    terms = words(q)
    if not uses_full_text():
        terms = [term for term in terms if term not in _SQLITE_STOP_WORDS] or terms
    if not terms:
        return None
    if uses_full_text():
        condition = Q(search_vector=_ts_query(terms, any_word=any_word))
        if sku := _sku_like(q):
            condition |= Q(sku__icontains=sku)
        return condition
    each = [_sqlite_word(term) for term in terms]
    condition = each[0]
    for other in each[1:]:
        condition = condition | other if any_word else condition & other
    return condition


def relevance(q: str, *, any_word: bool = False) -> Expression | None:
    """What the relevance sort orders by, descending: ts_rank with the vector's weights (name
    and SKU above category and unit, above description) on PostgreSQL; on SQLite, 1 when the
    name holds every word (or with `any_word`, any)."""
    terms = words(q)
    if not terms:
        return None
    if uses_full_text():
        return SearchRank(F("search_vector"), _ts_query(terms, any_word=any_word))
    in_name = Q(name__icontains=terms[0])
    for term in terms[1:]:
        in_name = in_name | Q(name__icontains=term) if any_word else in_name & Q(name__icontains=term)
    return Case(When(in_name, then=Value(1)), default=Value(0))


def corrected_words(q: str, vocabulary: Iterable[str] | None = None) -> list[str]:
    """The query's words with each unknown word of 3+ letters replaced by the closest word of
    the catalogue, if one is close: "suger" -> "sugar". PostgreSQL asks the trigram index of
    SearchWord (one query per unknown word); SQLite compares with `vocabulary`."""
    terms = words(q)
    candidates = [t for t in terms if t.isalpha() and len(t) >= _SUGGEST_MIN_LENGTH]
    if not candidates:
        return terms
    replacements: dict[str, str] = {}
    if uses_full_text():
        known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
        for term in candidates:
            if term in known:
                continue
            # The trigram index finds the nearest words; spelling picks among them ("flowr"
            # shares more trigrams with "flowing" than with "flour"), then names.
            near = (
                SearchWord.objects.annotate(distance=TrigramDistance("word", term))
                .order_by("distance", "word")
                .values_list("word", "in_names")[:_SUGGEST_CANDIDATES]
            )
            best = max(near, key=lambda row: (_spelling_similarity(term, row[0]), row[1]), default=None)
            if best and _spelling_similarity(term, best[0]) >= _SUGGEST_CUTOFF:
                replacements[term] = best[0]
    else:
        vocabulary = set(vocabulary or ())
        for term in candidates:
            if term in vocabulary:
                continue
            close = difflib.get_close_matches(term, vocabulary, n=1, cutoff=_SUGGEST_CUTOFF)
            if close:
                replacements[term] = close[0]
    return [replacements.get(term, term) for term in terms]


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """The words of 3+ letters in `texts` (SQLite's suggestions)."""
    found: set[str] = set()
    for text in texts:
        found.update(w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) >= _SUGGEST_MIN_LENGTH)
    return found
