"""Diacritic-insensitive name search over residents and households, the same on SQLite and PostgreSQL.

The rule: a row matches when **every word of the folded query is the start of a word** of the
row's folded text ("truong" and "tru" find "Nguyễn Văn Trường"; "ng v tr" too; word order is
free). Words are runs of letters and digits, so "tt-001" is the two words "tt" and "001".

Callers pass an already scoped queryset (`accounts.scope.scoped`), so the scope rule is applied
before anything here runs. Two entry points:

- `match(queryset, query)` filters a queryset with an index-backed condition: on PostgreSQL a
  GIN index over the words (``@@`` with a prefix tsquery), on SQLite an FTS5 table kept by
  triggers (migration households/0002). Use it for paginated lists with counts (the API).
- `first(queryset, query, order=..., limit=20)` returns the first `limit` rows in `order`
  fast whatever the size of the scope, exactly the rows `match` gives, in the same order:

  1. read the scope in result order (an index range) and test the rule in Python on up to
     `SCAN_ROWS` rows: a common query ("van", "thanh") has its first page there;
  2. for residents in name order, the rest of the page comes from two kinds of rows: those
     whose name *starts* with a query word (an index range per word, e.g. the "nguyen…" block
     for "nguyen minh", read in order and tested in Python), and those whose first word starts
     with no query word, so that every query word is in the rest of the name — found through a
     second word index over the name without its first word, where "nguyen" is rare;
  3. when a step would read too much (a rare query in a huge block), the word index of the
     whole name answers, and its answer is then small.

  On PostgreSQL a scope of at most SCOPE_SCAN_ROWS rows (a commune) skips steps 2–3: the rest
  of the scope is read in order and tested in Python, which costs the scope's size rather than
  the country's.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from gocua.accounts.scope import scoped
from gocua.households.models import Household, Resident
from gocua.lib.text import fold

SCAN_ROWS = 3_000
MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")
# Must stay identical to the index expression of migration households/0002.
PG_WORDS = "array_to_tsvector(array_remove(regexp_split_to_array({col}, '[^[:alnum:]]+'), ''))"


# The name without its first word (or the whole name when that word is not plain letters and
# digits), per database; must stay identical to migration households/0002.
REST_SQL = {
    "postgresql": "(CASE WHEN split_part({n}, ' ', 1) ~ '[^a-z0-9]' THEN {n} WHEN strpos({n}, ' ') = 0 THEN '' "
    "ELSE substr({n}, strpos({n}, ' ') + 1) END)",
}
_PLAIN = re.compile(r"[a-z0-9]*")
LAST = chr(0x10FFFF)


@dataclass(frozen=True)
class Searched:
    column: str
    fts_table: str
    rest_fts_table: str = ""


SEARCHED = {
    Resident: Searched("name_folded", "households_resident_fts", "households_resident_rest_fts"),
    Household: Searched("search_folded", "households_household_fts"),
}


def rest_of(text: str) -> str:
    """Return what the rest-of-name index holds for a folded name (see REST_SQL)."""
    head, _space, rest = text.partition(" ")
    return rest if _PLAIN.fullmatch(head) else text


def words(query: str | None) -> list[str]:
    """Return the distinct folded words of `query`, longest first (at most MAX_WORDS)."""
    found = dict.fromkeys(_WORD.findall(fold(query)))
    return sorted(found, key=len, reverse=True)[:MAX_WORDS]


def matches(text: str, query_words: list[str]) -> bool:
    """Return whether every query word starts a word of the folded `text` (the rule, in Python)."""
    if not all(w in text for w in query_words):  # cheap pre-check: most rows fail here
        return False
    tokens = _WORD.findall(text)
    return all(any(t.startswith(w) for t in tokens) for w in query_words)


def _searched(queryset: QuerySet) -> Searched:
    try:
        return SEARCHED[queryset.model]
    except KeyError:
        raise ValueError(f"{queryset.model.__name__} is not searchable") from None


def _condition(queryset: QuerySet, query_words: list[str], *, rest: bool = False) -> RawSQL:
    """Return the index-backed condition: every word starts a word of the text (or of its rest)."""
    searched = _searched(queryset)
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{w}':*" for w in query_words)
        column = connection.ops.quote_name(searched.column)
        expression = PG_WORDS.format(col=REST_SQL["postgresql"].format(n=column) if rest else column)
        # A sub-select on the word index alone: otherwise the planner may walk a name index and
        # compute the words of every row, which is right only for common words (see `first`).
        return RawSQL(
            f"{table}.id IN (SELECT id FROM {table} WHERE {expression} @@ %s::tsquery)",
            [tsquery],
            output_field=BooleanField(),
        )
    if connection.vendor == "sqlite":
        fts = searched.rest_fts_table if rest else searched.fts_table
        expression = " AND ".join(f'"{w}"*' for w in query_words)
        return RawSQL(
            f"{table}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [expression], output_field=BooleanField()
        )
    raise NotImplementedError(f"search needs PostgreSQL or SQLite, not {connection.vendor}")


def _after(queryset: QuerySet, column: str, query_words: list[str], boundary: tuple, limit: int) -> tuple:
    """Return (the next `limit` matching ids after `boundary` (name, pk), None) or (None, the fallback to use)."""
    found: dict[int, str] = {}
    # Names whose first word starts with no query word: every query word is in the rest of the name.
    with connection.cursor() as cursor:
        rest_ids = _rest_ids(cursor, queryset, query_words)
    if rest_ids is None:
        return None, "ordered"  # the words are common: the ordered walk meets its page soon
    for start in range(0, len(rest_ids), 500):
        rows = queryset.filter(pk__in=rest_ids[start : start + 500]).order_by().values_list("pk", column)
        found.update((pk, text) for pk, text in rows if (text, pk) > boundary and matches(text, query_words))
    for word in set(query_words):  # names that start with a query word: a range of the name index
        start, end = max(word, boundary[0]), word + LAST
        if start >= end:
            continue
        block = queryset.filter(**{f"{column}__gte": start, f"{column}__lt": end}).order_by(column, "pk")
        rows = list(block.values_list("pk", column)[:SCAN_ROWS])
        hits = [(pk, text) for pk, text in rows if (text, pk) > boundary and matches(text, query_words)]
        if len(hits) < limit and len(rows) == SCAN_ROWS:  # a big block: read further once
            rows = list(block.values_list("pk", column)[SCAN_ROWS : BLOCK_ROWS])
            hits += [(pk, text) for pk, text in rows if (text, pk) > boundary and matches(text, query_words)]
            if len(hits) < limit and len(rows) == BLOCK_ROWS - SCAN_ROWS:
                return None, "index"  # few matches in a huge block: the word index answers faster
        found.update(hits[:limit])
    return [pk for pk, _text in sorted(found.items(), key=lambda item: (item[1], item[0]))[:limit]], None


REST_IDS_CAP = 5_000
# Up to this many rows, a scope is read whole in result order rather than through the word
# indexes. PostgreSQL's GIN index has no prefix index: "nguyen":* gathers the postings of every
# word starting so in the whole country (seconds at 10 M residents), whereas reading a commune of
# 30,000 names in order costs ~20 ms. SQLite's FTS5 tables keep prefix indexes: there the word
# index stays faster.
SCOPE_SCAN_ROWS = {"postgresql": 60_000}
INDEX_CAP = 20_000
BLOCK_ROWS = 4 * SCAN_ROWS


def _at_most(queryset: QuerySet, rows: int) -> bool:
    """Whether `queryset` has at most `rows` rows (counts no further than rows + 1)."""
    return rows > 0 and queryset.order_by().values("pk")[: rows + 1].count() <= rows


def _by_index(queryset: QuerySet, order: tuple[str, ...], query_words: list[str], limit: int) -> list[int]:
    """Return the first `limit` ids in `order` among all matches, read through the word index.

    Unordered, so that the database reads the index (and intersects it with the scope) instead of
    walking the scope in order testing each row; sorted here. Past INDEX_CAP matches the query is
    common after all, and the ordered walk stops early.
    """
    field = order[0]
    matching = queryset.filter(_condition(queryset, query_words)).order_by()
    rows = list(matching.values_list("pk", field)[: INDEX_CAP + 1])
    if len(rows) <= INDEX_CAP:
        return [pk for pk, _value in sorted(rows, key=lambda row: (row[1], row[0]))[:limit]]
    return list(matching.order_by(*order).values_list("pk", flat=True)[:limit])


def _rest_ids(cursor, queryset: QuerySet, query_words: list[str]) -> list[int] | None:
    """Return the ids whose rest of name matches (at most REST_IDS_CAP, else None)."""
    if connection.vendor == "sqlite":
        fts = _searched(queryset).rest_fts_table
        expression = " AND ".join(f'"{w}"*' for w in query_words)
        cursor.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s", [expression, REST_IDS_CAP + 1])
        ids = [row[0] for row in cursor.fetchall()]
    else:
        rest = queryset.filter(_condition(queryset, query_words, rest=True)).order_by()  # unordered: the index
        ids = list(rest.values_list("pk", flat=True)[: REST_IDS_CAP + 1])
    return ids if len(ids) <= REST_IDS_CAP else None


def match(queryset: QuerySet, query: str | None) -> QuerySet:
    """Return the rows of `queryset` matching every word of `query` (none for a query without words)."""
    query_words = words(query)
    if not query_words:
        return queryset.none()
    return queryset.filter(_condition(queryset, query_words))


def first(queryset: QuerySet, query: str | None, *, order: tuple[str, ...], limit: int = 20) -> list:
    """Return the first `limit` rows of `match(queryset, query)` in `order` (which must end with "pk")."""
    query_words = words(query)
    if not query_words:
        return []
    searched = _searched(queryset)
    column = searched.column
    ordered = queryset.order_by(*order)
    scanned = list(ordered.values_list("pk", column)[:SCAN_ROWS])
    ids = [pk for pk, text in scanned if matches(text, query_words)][:limit]
    short = len(ids) < limit and len(scanned) == SCAN_ROWS
    if short and _at_most(queryset, SCOPE_SCAN_ROWS.get(connection.vendor, 0)):
        # A small scope (a commune): read the rest of it in order — bounded by the scope, not the country.
        for pk, text in ordered.values_list("pk", column)[SCAN_ROWS:]:
            if matches(text, query_words):
                ids.append(pk)
                if len(ids) == limit:
                    break
    elif short:
        after, fallback = None, "index"
        if searched.rest_fts_table and order == (column, "pk"):
            boundary = (scanned[-1][1], scanned[-1][0])
            after, fallback = _after(queryset, column, query_words, boundary, limit - len(ids))
        if after is not None:
            ids += after
        elif fallback == "ordered":
            ids = list(ordered.filter(_condition(queryset, query_words)).values_list("pk", flat=True)[:limit])
        else:
            ids = _by_index(queryset, order, query_words, limit)
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


# --- the search page's lists ----------------------------------------------------------------------

RESIDENT_ORDER = ("name_folded", "pk")
HOUSEHOLD_ORDER = ("household_key", "pk")


def resident_search(*, user, query: str, limit: int = 20) -> list[Resident]:
    """Return the first `limit` residents in the user's scope whose name matches `query`, by name."""
    residents = scoped(user, Resident.objects.select_related("household__village"))
    return first(residents, query, order=RESIDENT_ORDER, limit=limit)


def household_search(*, user, query: str, limit: int = 20) -> list[Household]:
    """Return the first `limit` households in scope whose key, head or address match `query`, by key."""
    households = scoped(user, Household.objects.select_related("village", "head"))
    return first(households, query, order=HOUSEHOLD_ORDER, limit=limit)


# --- people by phone, and an exact name first (the search page) -----------------------------------

PHONE_SEPARATORS = re.compile(r"[\s.\-()+]")
MIN_PHONE_DIGITS = 4


def phone_digits(query: str | None) -> str:
    """Return the digits of a query that is a phone number or its last digits ("0912 345 678", "+84 912…", "5678")."""
    text = PHONE_SEPARATORS.sub("", query or "")
    if len(text) < MIN_PHONE_DIGITS or not text.isdigit():
        return ""
    if text.startswith("84") and len(text) >= 11:  # the international form: 84 912 345 678
        text = "0" + text[2:]
    return text


def resident_search_ranked(*, user, query: str, limit: int = 20, by_phone: bool = False) -> list[Resident]:
    """Return `resident_search` with residents named exactly `query` first, or (phone roles) those whose phone ends so."""
    residents = scoped(user, Resident.objects.select_related("household__village"))
    digits = phone_digits(query)
    if digits:
        # Phones are stored in national form (0912345678): a suffix matches any way it was typed.
        return list(residents.filter(phone__endswith=digits).order_by(*RESIDENT_ORDER)[:limit]) if by_phone else []
    exact = list(residents.filter(name_folded=fold(" ".join((query or "").split()))).order_by(*RESIDENT_ORDER)[:limit])
    seen = {r.pk for r in exact}
    return (exact + [r for r in resident_search(user=user, query=query, limit=limit) if r.pk not in seen])[:limit]
