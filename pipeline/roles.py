"""Column roles from evidence: what a column's header says, loosely read,
and what its cells hold.

A header names a role exactly when it is a phrase of the vocabulary
(`labels.header_role`); an unseen wording of a known idea still shares word
stems with the role's phrases (`Mitigating measures` with `mitigation
measures`), which scores lower.  A column's cells each have a type (an Atlas
account code, another code, an amount, a rating, a numbered item, prose
...) and each role a profile of the types it holds
(`data/role_profiles.json`): a column of Atlas codes is the account column
whatever its header says (`Budget code`), and a header that its cells
contradict (an `amount` column of account codes) loses its role.  The roles
of a table are then assigned jointly: the best-scoring column and role
first, each role once (a role may hold several columns where its profile
says so, like one targets column per year).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

import snowballstemmer

from .labels import CODE, ID_IN_CELL, NUMBERED_PART, YEAR, header_role, is_mark
from .numbers import parse_amount
from .reference import account_codes, account_descriptions, vocabulary
from .text import flatten, normalise_label

MIN_SCORE = 0.45  # below this a column has no role
NAMES_ROLE = 0.45  # a header sharing this much with a role's phrases is one
EXACT = 0.8  # a header that is a phrase of the role
LOOSE = 0.7  # a header all of whose stems a phrase of the role covers
PROSE_WORDS = 7  # a cell of this many words is prose
MAX_NAMED_CODE_WORDS = 4  # `UNDP TRAC 04000`: a short name before its code
CODE_IN_SHORT_TEXT = re.compile(r"(?<![\d.,])\d{5,6}(?![\d.,])")


@dataclass(frozen=True)
class Evidence:
    """Why a column has its role: the header's and the cells' scores."""

    role: str | None
    header: float
    content: float

    @property
    def score(self) -> float:
        return round(self.header + self.content, 2)


@cache
def role_data() -> dict:
    text = (
        resources.files("pipeline.data")
        .joinpath("role_profiles.json")
        .read_text("utf-8")
    )
    return json.loads(text)


def profiles() -> dict[str, dict]:
    """role -> {"types": {cell type: weight}, "many": several columns may hold it}."""
    return role_data()["roles"]


def kind_marks(kind: str) -> dict:
    """The roles that mark a table as of `kind`, how many it needs, and the
    roles the kind lends to columns with any evidence of them."""
    return role_data()["kinds"].get(kind, {})


def likely_kind(roles: list[str | None]) -> str | None:
    """The kind whose marking roles a table's columns hold enough of."""
    for kind, marks in role_data()["kinds"].items():
        found = sum(1 for r in set(roles) if r in marks.get("roles", []))
        if "min" in marks and found >= marks["min"]:
            return kind
    return None


STEMMERS = ("english", "french", "spanish")  # the documents' languages


@cache
def stemmers() -> tuple[snowballstemmer.stemmer, ...]:
    return tuple(snowballstemmer.stemmer(lang) for lang in STEMMERS)


Family = tuple[str, ...]  # a word's stem in each language's stemmer


def families(text: str) -> frozenset[Family]:
    """The word families of a header, a word's stem in each language's
    Snowball stemmer (`mitigating` and `mitigation` are one family,
    `counterparts` and `countermeasures` two), small words left out."""
    small = set(vocabulary()["small_title_words"])
    words = [
        w
        for w in re.findall(r"[^\W\d_]+", normalise_label(text))
        if w not in small and len(w) > 1
    ]
    per_language = [[unaccented(s) for s in st.stemWords(words)] for st in stemmers()]
    return frozenset(zip(*per_language, strict=True))


def unaccented(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def kin(a: Family, b: Family) -> bool:
    """Two words of one family in some language."""
    return any(x == y for x, y in zip(a, b, strict=True))


@cache
def role_families() -> dict[str, list[frozenset[Family]]]:
    return {
        role: [f for f in (families(p) for p in phrases) if f]
        for role, phrases in vocabulary()["table_columns"].items()
    }


@cache
def family_weights() -> dict[str, float]:
    """How much a word tells of a role (by its English stem): less the more
    roles' phrases hold it (`risk` heads a risk log's every column;
    `treatment` one)."""
    roles_of: dict[str, set[str]] = {}
    for role, phrases in role_families().items():
        for family in set().union(*phrases):
            roles_of.setdefault(family[0], set()).add(role)
    return {stem: 1 / len(roles) for stem, roles in roles_of.items()}


def weight(words: list[Family] | frozenset[Family]) -> float:
    weights = family_weights()
    return sum(weights.get(w[0], 1.0) for w in words)


def likeness(own: frozenset[Family], phrase: frozenset[Family]) -> float:
    """How much of a phrase a header says, and how much of the header the
    phrase explains, each word weighed by what it tells of a role."""
    said = [p for p in phrase if any(kin(p, o) for o in own)]
    explained = [o for o in own if any(kin(o, p) for p in phrase)]
    return weight(said) / weight(phrase) * (weight(explained) / weight(own)) ** 0.5


def header_scores(header: str, named: str | None) -> dict[str, float]:
    """How strongly a header names each role: fully the role its words name
    as a phrase of the vocabulary (`named`, as the header rows were read),
    less each role whose phrases share its word families, each word weighed
    by how few roles share it."""
    own = families(header)
    scores: dict[str, float] = {}
    for role, phrases in role_families().items() if own else ():
        best = max((likeness(own, p) for p in phrases), default=0.0)
        if best >= 0.5:
            scores[role] = round(LOOSE * best, 2)
    if named is not None:
        scores[named] = EXACT
    return scores


def names_role(header: str) -> bool:
    """Whether a header names a role, exactly or by the stems of a role's
    phrase (`Lead implementing agency` does not; `Risk holder` does)."""
    return (
        bool(header_role(header)[0])
        or max(header_scores(header, None).values(), default=0.0) >= NAMES_ROLE
    )


def cell_type(text: str) -> str:
    """What one cell holds, as the role profiles name it."""
    t = flatten(re.sub(r"(?<=\d)\n(?=\d)", "", text))  # `0400` over `0`: one code
    if not t:
        return "empty"
    if CODE.match(t):
        # a fund code opens with a zero (`04000`); `12000` may be an amount
        if is_account_code(t):
            return "account_code"
        return "code" if t.startswith("0") else "number"
    if YEAR.match(t):
        return "year"
    if is_mark(t):
        return "mark"
    if normalise_label(t) in vocabulary()["rating_words"]:
        return "rating"
    if parse_amount(t) is not None:
        return "small_number" if re.fullmatch(r"\d{1,2}", t) else "amount"
    first = t.split()[0]
    if CODE.match(first):
        return "account_text" if is_account_code(first) else "code_text"
    named_code = CODE_IN_SHORT_TEXT.search(t)
    if named_code and len(t.split()) <= MAX_NAMED_CODE_WORDS:
        # `DFID 30079`, `UNDP TRAC/04000`: a fund (or an account) named, then coded
        return "account_text" if is_account_code(named_code.group()) else "code_text"
    if normalise_label(t) in account_names():
        return "account_name"
    if money_text(t):
        return "money_text"
    if NUMBERED_PART.match(t):
        return "part_label"
    if ID_IN_CELL.match(t):
        return "numbered"
    return "prose" if len(t.split()) >= PROSE_WORDS else "short"


THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?![\w,.]\d)")


def money_text(text: str) -> bool:
    """Amounts with their labels (`Total: USD 206,200 UNDP: 124,500`): two
    sums in thousands, or one in a short text."""
    sums = THOUSANDS.findall(text)
    return len(sums) >= 2 or len(sums) == 1 and len(text.split()) <= 4


def is_account_code(code: str) -> bool:
    return code in account_codes() or bool(
        re.fullmatch(vocabulary()["account_code_pattern"], code)
    )


@cache
def account_names() -> frozenset[str]:
    return frozenset(normalise_label(d) for d in account_descriptions())


def content_scores(values: list[str]) -> dict[str, float]:
    """How well a column's non-empty cells fit each role's profile: the
    weighted shares of their types."""
    types = Counter(cell_type(v) for v in values if v.strip())
    types.pop("empty", None)
    total = sum(types.values())
    if not total:
        return {}
    return {
        role: round(
            sum(w * weighed(types[t] / total, w) for t, w in p["types"].items()), 2
        )
        for role, p in profiles().items()
    }


FULL_SHARE = 0.5  # a column half of whose cells are of a role's kind is of it


def weighed(share: float, weight: float) -> float:
    """A type's share of a column as evidence: in full from half of its cells
    (sub-totals and labels share an activity column), a contradiction
    (a negative weight) by its share alone."""
    return min(1.0, share / FULL_SHARE) if weight > 0 else share


@dataclass(frozen=True)
class ColumnText:
    """What the roles are read from: a column's header, the role its header
    names exactly (if any), its body cells, and whether it stands after the
    table's year or quarter columns."""

    header: str
    named: str | None
    values: list[str]
    after_dated: bool = False


NUMERIC_TYPES = frozenset({"amount", "number", "code", "account_code", "small_number"})


def numeric(column: ColumnText) -> bool:
    types = [cell_type(v) for v in column.values if v.strip()]
    return bool(types) and sum(t in NUMERIC_TYPES for t in types) * 2 > len(types)


def places(columns: list[ColumnText]) -> list[set[str]]:
    """Where each column stands, as profiles score it: `after_dated`;
    `last_numeric` for the rightmost column of numbers (amounts close a
    row); `first_prose` and `last_prose` for the first and the last of two
    or more columns of prose (a risk, then what is done about it)."""
    found: list[set[str]] = [
        {"after_dated"} if c.after_dated else set() for c in columns
    ]
    last = next((i for i in reversed(range(len(columns))) if numeric(columns[i])), None)
    if last is not None:
        found[last].add("last_numeric")
    prose = [i for i, c in enumerate(columns) if mostly(c, "prose")]
    if len(prose) >= 2:
        found[prose[0]].add("first_prose")
        found[prose[-1]].add("last_prose")
    return found


def mostly(column: ColumnText, kind: str) -> bool:
    types = [cell_type(v) for v in column.values if v.strip()]
    return bool(types) and types.count(kind) * 2 >= len(types)


def column_evidence(column: ColumnText, where: set[str]) -> dict[str, Evidence]:
    """Each role's evidence for one column standing at `where`."""
    heads, cells = (
        header_scores(column.header, column.named),
        content_scores(column.values),
    )
    return {
        role: Evidence(
            role,
            heads.get(role, 0.0),
            cells.get(role, 0.0)
            + sum(
                profiles().get(role, {}).get("places", {}).get(p, 0.0) for p in where
            ),
        )
        for role in {*heads, *cells}
    }


def read_roles(columns: list[ColumnText]) -> list[Evidence]:
    """The roles of a table's columns, read jointly."""
    return assign(
        [column_evidence(c, w) for c, w in zip(columns, places(columns), strict=True)]
    )


def assign(evidence: list[dict[str, Evidence]]) -> list[Evidence]:
    """The best joint reading: the strongest (column, role) pair first, each
    column one role, each role one column unless its profile allows many."""
    pairs = sorted(
        (
            (e.score, -e.header, col, role)
            for col, roles in enumerate(evidence)
            for role, e in roles.items()
            if e.score >= MIN_SCORE
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    chosen: list[Evidence] = [Evidence(None, 0.0, 0.0) for _ in evidence]
    taken: set[str] = set()
    for _, _, col, role in pairs:
        if chosen[col].role is not None:
            continue
        if role in taken and not profiles().get(role, {}).get("many", False):
            continue
        chosen[col] = evidence[col][role]
        taken.add(role)
    return [complemented(e, taken) for e in chosen]


def complemented(chosen: Evidence, taken: set[str]) -> Evidence:
    """A role that stands beside another (`account_description` beside the
    account's code) is that other role where no column holds it."""
    main = profiles().get(chosen.role or "", {}).get("complements")
    if main is None or main in taken:
        return chosen
    return Evidence(main, chosen.header, chosen.content)
