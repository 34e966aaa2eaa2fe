"""Likely duplicates of a person, found before a second file is opened for them; and what
merging two files reads (the tables pointing at a person, counts, snapshot, blanks to fill).

The database only gathers a few dozen rows that share a name (one query, through indexes); the
ranking is done here, in Python, on those rows, so it reads the same on SQLite and PostgreSQL.

Scores run from 0 to 100. The names bring at most 60: two namesakes are common in one family or
one village, so a name alone never makes a certain duplicate, but an identical name with nothing
against it is worth a check (STRONG). The birth brings up to 35, since it is the strongest sign
we have (a full date more than a year: years are often estimated). A birth year more than one
year apart, or a different sex, is strong evidence of two people (parent and child named alike,
siblings), so they take points away rather than just adding none."""

import dataclasses
import datetime
import itertools
import json
import unicodedata

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Count, F, ForeignObjectRel, OuterRef, Q, Subquery, Value
from django.db.models.functions import Abs, Coalesce
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from beneficiaries.models import (
    OTHER_NAMES_MARK,
    DistinctPair,
    LikelyPair,
    Nationality,
    Person,
    PersonQuerySet,
    Sex,
)
from mia.text import fold_tokens, sound_key

NAME_POINTS = 60
SAME_DATE_POINTS = 35
SAME_YEAR_POINTS = 25
NEAR_YEAR_POINTS = 10  # ±1: ages are often estimated, and the year computed from them
OTHER_YEAR_POINTS = -30
OTHER_SEX_POINTS = -25
# Swapped names are routine (documents put the family name first), a match on a recorded other
# spelling a little less sure: the spelling may belong to a relative.
SWAPPED_FACTOR = 0.95
OTHER_SPELLING_FACTOR = 0.9

STRONG = 55  # the creation form asks for confirmation from here
SHOWN = 35  # below, the differences outweigh the likeness: not shown at all
FETCHED = 50  # rows the database hands over for ranking

# How alike two name parts are, from 1 (same letters) down; under 0.6 they do not match.
EXACT, FOLDED, SOUNDS_ALIKE, ONE_TYPO, TWO_TYPOS = 1.0, 1.0, 0.9, 0.75, 0.6


@dataclasses.dataclass
class Candidate:
    person: Person
    score: int
    reasons: list[str]

    @property
    def strong(self) -> bool:
        return self.score >= STRONG


def likely_duplicates(
    *,
    queryset: PersonQuerySet,
    first_name: str,
    last_name: str,
    birth_year: int | None = None,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    limit: int = 8,
) -> list[Candidate]:
    """People of `queryset` (start from Person.objects.visible_to(user): other organisations
    never show) who may be the person described, best first."""
    first_tokens, last_tokens = fold_tokens(first_name), fold_tokens(last_name)
    if not first_tokens or not last_tokens:
        return []
    if birth_date:
        birth_year = birth_date.year
    rows = _gather(queryset, first_tokens, last_tokens, birth_year)
    wanted = _Described(first_name, last_name, birth_year, birth_date, sex)
    candidates = [candidate for row in rows if (candidate := _rank(wanted, row))]
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.person.pk))
    return candidates[:limit]


def _gather(queryset, first_tokens, last_tokens, birth_year) -> list[Person]:
    """One query: people whose recorded spellings hold a sound key of the first name and one of
    the last name, in any order (Person.name_keys, ' key key '); on PostgreSQL also those whose
    folded names hold words trigram-similar to both names, for typos. A union of the two, so
    that each goes through its own trigram index; an OR of them would read every person."""

    def any_key(tokens):
        condition = Q()
        for key in {sound_key(token) for token in tokens} - {""}:
            condition |= Q(name_keys__contains=f" {key} ")
        return condition

    people = queryset.model._base_manager.order_by()
    matches = people.filter(any_key(first_tokens) & any_key(last_tokens)).values("pk")
    queryset = queryset.select_related("household__site", "referent")
    order = []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.lookups import TrigramWordSimilar
        from django.contrib.postgres.search import TrigramSimilarity

        first, last = " ".join(first_tokens), " ".join(last_tokens)
        alike = people.filter(
            TrigramWordSimilar(F("search_text"), Value(first)),
            TrigramWordSimilar(F("search_text"), Value(last)),
        ).values("pk")
        matches = matches.union(alike, all=True)
        queryset = queryset.annotate(similarity=TrigramSimilarity("search_text", f"{first} {last}"))
        order.append("-similarity")
    if birth_year:
        # Among many namesakes, those born about the same year first; unknown years in between.
        queryset = queryset.annotate(year_gap=Coalesce(Abs(F("birth_year") - birth_year), Value(2)))
        order.append("year_gap")
    return list(queryset.filter(pk__in=matches).order_by(*order, "pk")[:FETCHED])


@dataclasses.dataclass
class _Described:
    first_name: str
    last_name: str
    birth_year: int | None
    birth_date: datetime.date | None
    sex: str | None


def _rank(wanted: _Described, person: Person) -> Candidate | None:
    names, reasons = _name_likeness(wanted, person)
    if not names:
        return None
    score = NAME_POINTS * names
    birth_points, birth_reason = _birth_likeness(wanted, person)
    score += birth_points
    if birth_reason:
        reasons.append(birth_reason)
    known = {Sex.FEMALE, Sex.MALE}
    if wanted.sex in known and person.sex in known and wanted.sex != person.sex:
        score += OTHER_SEX_POINTS
        reasons.append(_("sexe différent"))
    if score < SHOWN:
        return None
    return Candidate(person=person, score=round(score), reasons=reasons)


def _name_likeness(wanted: _Described, person: Person) -> tuple[float, list[str]]:
    """How alike the names are (0 when they do not match), and why, in words."""
    first, last = wanted.first_name, wanted.last_name
    other_spellings = " ".join(person.other_names.split(","))
    everything = f"{person.first_name} {person.last_name} {other_spellings}"
    arrangements = [
        (1.0, None, [(first, person.first_name), (last, person.last_name)]),
        (
            SWAPPED_FACTOR,
            _("prénom et nom inversés"),
            [(first, person.last_name), (last, person.first_name)],
        ),
        (
            OTHER_SPELLING_FACTOR,
            _("selon une autre graphie enregistrée"),
            [(first, everything), (last, everything)],
        ),
    ]
    best = (0.0, [])
    for factor, arrangement, pairs in arrangements:
        parts = [_part_likeness(typed, recorded) for typed, recorded in pairs]
        if min(parts) < TWO_TYPOS:
            continue
        likeness = factor * sum(parts) / len(parts)
        if likeness <= best[0]:
            continue
        reasons = [_names_reason(parts, pairs, swapped_or_other=arrangement is not None)]
        best = (likeness, reasons + ([arrangement] if arrangement else []))
    return best


def _names_reason(parts: list[float], pairs, *, swapped_or_other: bool) -> str:
    worst = min(parts)
    if worst == EXACT:
        if any(_is_cyrillic(typed) != _is_cyrillic(recorded) for typed, recorded in pairs):
            return _("même nom translittéré")
        if swapped_or_other:
            return _("même nom")
        if all(_letters(typed) == _letters(recorded) for typed, recorded in pairs):
            return _("même nom et prénom")
        return _("même nom aux accents près")
    if worst >= SOUNDS_ALIKE:
        return _("même nom translittéré")
    return _("nom proche (faute de frappe ?)")


def _part_likeness(typed: str, recorded: str) -> float:
    """Best likeness between any word of the typed part and any word recorded."""
    best = 0.0
    for word in fold_tokens(typed):
        for other in fold_tokens(recorded):
            best = max(best, _word_likeness(word, other))
            if best == EXACT:
                return best
    return best


def _word_likeness(word: str, other: str) -> float:
    if word == other:
        return FOLDED
    key, other_key = sound_key(word), sound_key(other)
    if key == other_key:
        return SOUNDS_ALIKE
    # Typos: one slip in a short name, two in a long one; very short names must match exactly,
    # as 'Ion' and 'Ina' are one letter apart.
    length = min(len(key), len(other_key))
    if length < 4:
        return 0.0
    distance = min(_edit_distance(word, other), _edit_distance(key, other_key))
    if distance == 1:
        return ONE_TYPO
    if distance == 2 and length >= 8:
        return TWO_TYPOS
    return 0.0


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance counting a swap of two neighbouring letters as one slip."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _birth_likeness(wanted: _Described, person: Person) -> tuple[int, str | None]:
    if wanted.birth_date and person.birth_date and wanted.birth_date == person.birth_date:
        return SAME_DATE_POINTS, _("même date de naissance")
    if not wanted.birth_year or not person.birth_year:
        return 0, None
    gap = abs(wanted.birth_year - person.birth_year)
    if gap == 0:
        return SAME_YEAR_POINTS, _("même année de naissance")
    if gap == 1:
        return NEAR_YEAR_POINTS, _("année de naissance à un an près")
    return OTHER_YEAR_POINTS, _("née ou né en %(year)s") % {"year": person.birth_year}


def _letters(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


# --- Likely duplicates across the organisation ------------------------------------------------


@dataclasses.dataclass
class Pair:
    """Two files that may be one person: `first` has the smaller id (usually the file to keep),
    the people themselves are read for the page shown only."""

    first_pk: int
    second_pk: int
    score: int
    reasons: list[str]
    first: Person | None = None
    second: Person | None = None

    @property
    def people(self) -> list[Person]:
        return [person for person in (self.first, self.second) if person is not None]


@dataclasses.dataclass(frozen=True)
class _Row:
    """What the ranking reads of a person, without building a model instance per file."""

    pk: int
    first_name: str
    last_name: str
    other_names: str
    birth_year: int | None
    birth_date: datetime.date | None
    sex: str
    name_keys: str


# Name keys of a spelling paired up for grouping: a name of five words gives ten groups, more
# words are middle names that add nothing but pairs to rank.
_KEYS_PER_SPELLING = 5


def likely_pairs(queryset: PersonQuerySet) -> list[Pair]:
    """Pairs of files of `queryset` (Person.objects.visible_to(user)) likely to be one person
    (a score of STRONG or more, as the creation form asks to confirm), best first.

    One query reads the few columns the ranking needs for every file. Files are grouped in
    Python by every two sound keys of one spelling (Person.name_keys: the names, then the other
    spellings), so that Ionescu Stefan, Ștefan Ionescu and Стефан Йонеску meet; only the files
    of a group are compared, ranked as likely_duplicates ranks them. A birth year more than a
    year apart is settled before ranking: the names cannot make up for it. Pairs a coordinator
    found to be two people (DistinctPair) are left out."""
    rows = [
        _Row(*values)
        for values in queryset.order_by().values_list(
            *("pk", "first_name", "last_name", "other_names"),
            *("birth_year", "birth_date", "sex", "name_keys"),
        )
    ]
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        keys = set()
        for spelling in row.name_keys.split(OTHER_NAMES_MARK):
            words = sorted(set(spelling.split()[:_KEYS_PER_SPELLING]))
            keys.update(itertools.combinations(words, 2))
        for key in keys:
            groups.setdefault(key, []).append(row)
    pairs = []
    seen = set(
        DistinctPair.objects.filter(first__in=queryset.order_by().values("pk")).values_list(
            "first_id", "second_id"
        )
    )
    for members in groups.values():
        for a, b in itertools.combinations(members, 2):
            ids = (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)
            if ids in seen:
                continue
            seen.add(ids)
            if a.birth_year and b.birth_year and abs(a.birth_year - b.birth_year) > 1:
                continue
            if pair := _rank_pair(a, b):
                pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.score, pair.first_pk, pair.second_pk))
    return pairs


def _rank_pair(a: _Row, b: _Row) -> Pair | None:
    """The better of the two rankings (other spellings count on the ranked side only)."""
    best = None
    for one, other in ((a, b), (b, a)):
        wanted = _Described(one.first_name, one.last_name, one.birth_year, one.birth_date, one.sex)
        candidate = _rank(wanted, other)
        if candidate and candidate.strong and (best is None or candidate.score > best.score):
            best = candidate
    if best is None:
        return None
    first, second = sorted((a.pk, b.pk))
    return Pair(first_pk=first, second_pk=second, score=best.score, reasons=best.reasons)


# --- Merging two files ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Relation:
    """Rows of another table that belong to a person: what a merge moves, what its preview
    counts. `model` is the table whose `person_field` points at the person (for a many-to-many,
    its link table, `other_field` pointing at the other side)."""

    key: str
    label: str
    model: type[models.Model]
    person_field: str
    other_field: str | None = None


def person_relations() -> list[Relation]:
    """Every table pointing at Person, found by introspection: apps above this one (follow-ups,
    tasks, plans, later employment or housing) are covered without being imported here."""
    relations = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel):
            continue
        model = rel.related_model
        if rel.many_to_many:
            through = rel.through
            # A hand-written link table is a model with its own foreign key: handled as such.
            if not through._meta.auto_created:
                continue
            label = f"{capfirst(model._meta.verbose_name_plural)} ({rel.field.verbose_name})"
            relations.append(
                Relation(
                    key=rel.get_accessor_name(),
                    label=label,
                    model=through,
                    person_field=rel.field.m2m_reverse_field_name(),
                    other_field=rel.field.m2m_field_name(),
                )
            )
        elif model in (DistinctPair, LikelyPair):
            # A decision or a finding about the two files, not the person's content: it goes
            # with the merged file.
            continue
        elif not model._meta.auto_created:  # link tables of many-to-many: handled above
            relations.append(
                Relation(
                    key=rel.get_accessor_name() or f"{model._meta.label_lower}.{rel.field.name}",
                    label=str(capfirst(model._meta.verbose_name_plural)),
                    model=model,
                    person_field=rel.field.name,
                )
            )
    return relations


def with_related_counts(queryset: PersonQuerySet) -> PersonQuerySet:
    """Annotate `count_<key>` for every relation, in the same query (correlated subqueries)."""
    annotations = {}
    for relation in person_relations():
        rows = (
            relation.model._base_manager.filter(**{relation.person_field: OuterRef("pk")})
            .order_by()
            .values(relation.person_field)
            .annotate(count=Count("*"))
            .values("count")
        )
        annotations[f"count_{relation.key}"] = Coalesce(Subquery(rows), 0)
    return queryset.annotate(**annotations)


def snapshot(person: Person) -> dict:
    """Every column of the file as JSON (dates as ISO strings), to keep what a merged file said."""
    values = {
        field.attname: getattr(person, field.attname) for field in Person._meta.concrete_fields
    }
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def merged_other_names(survivor: Person, duplicate: Person, *, replaced: str = "") -> str:
    """The survivor's other spellings plus the duplicate's names and spellings, leaving out
    those that fold to words already known (Стефан Щерев next to Ștefan Shterev, swapped
    names). Entries that would not fit the column are left out whole (the snapshot keeps them).
    `replaced`: the survivor's own names, when the coordinator kept the duplicate's instead."""
    max_length = Person._meta.get_field("other_names").max_length
    entries = [entry.strip() for entry in survivor.other_names.split(",") if entry.strip()]
    known = set(fold_tokens(f"{survivor.first_name} {survivor.last_name}"))
    for entry in entries:
        known.update(fold_tokens(entry))
    spellings = [
        replaced,
        f"{duplicate.first_name} {duplicate.last_name}",
        *duplicate.other_names.split(","),
    ]
    for entry in spellings:
        words = set(fold_tokens(entry))
        if not words or words <= known:
            continue
        if len(", ".join([*entries, entry.strip()])) > max_length:
            continue
        entries.append(entry.strip())
        known.update(words)
    return ", ".join(entries)


# Columns fill_blanks leaves alone: identity and bookkeeping, derived columns (recomputed by
# Person.save), and those the merge service decides from related rows.
_NOT_FILLED = {
    "id", "organisation", "first_name", "last_name", "other_names", "search_text", "name_keys",
    "phone_digits", "referent", "entered_on", "exited_on", "exit_reason", "last_contact_on",
    "household", "relationship", "birth_date", "birth_year", "created_by", "created_at",
    "updated_at", "version",
}  # fmt: skip
# Defaults that mean "not known yet".
_UNKNOWN = {"sex": Sex.UNKNOWN, "nationality": Nationality.UNKNOWN}


def fill_blanks(survivor: Person, duplicate: Person, *, replaced_names: str = "") -> None:
    """Complete the survivor with what only the duplicate knows; never overwrite what the
    survivor says. Lists are joined, a yes wins over a no (an interpreter needed by either).
    `replaced_names`: see merged_other_names."""
    for field in Person._meta.concrete_fields:
        if field.name in _NOT_FILLED:
            continue
        mine, theirs = getattr(survivor, field.attname), getattr(duplicate, field.attname)
        if isinstance(mine, bool):
            value = mine or bool(theirs)
        elif isinstance(mine, list):
            value = [*mine, *(item for item in theirs or [] if item not in mine)]
        elif mine in (None, "") or mine == _UNKNOWN.get(field.name):
            value = theirs
        else:
            continue
        setattr(survivor, field.attname, value)
    if survivor.household_id is None:
        survivor.household_id = duplicate.household_id
        survivor.relationship = duplicate.relationship
    # A full date completes a bare year it agrees with; a year fills an unknown birth.
    born = duplicate.birth_date
    if survivor.birth_date is None and born and survivor.birth_year in (None, born.year):
        survivor.birth_date = born
    if survivor.birth_year is None:
        survivor.birth_year = duplicate.birth_year
    survivor.other_names = merged_other_names(survivor, duplicate, replaced=replaced_names)
    contacts = [day for day in (survivor.last_contact_on, duplicate.last_contact_on) if day]
    survivor.last_contact_on = max(contacts, default=None)


# Identity columns the coordinator may take from either file when both fill them in, differently
# (beneficiaries:merge); everything else follows fill_blanks. The birth date carries its year.
CHOSEN_FIELDS = (
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "nationality",
    "phone",
    "mail_address",
)


def _known(person: Person, name: str) -> bool:
    if name == "birth_date":
        return person.birth_year is not None
    value = getattr(person, name)
    return value not in (None, "") and value != _UNKNOWN.get(name)


def conflicting_fields(first: Person, second: Person) -> list[str]:
    """The fields of CHOSEN_FIELDS both files fill in with different values: which to keep is
    the coordinator's choice. A bare year and a full date of that year agree (the date completes
    the year); two phones with the same digits are one number."""
    conflicts = []
    for name in CHOSEN_FIELDS:
        if not (_known(first, name) and _known(second, name)):
            continue
        if name == "birth_date":
            dates = (first.birth_date, second.birth_date)
            differ = first.birth_year != second.birth_year or (all(dates) and dates[0] != dates[1])
        elif name == "phone":
            differ = _digits(first.phone) != _digits(second.phone)
        else:
            differ = getattr(first, name) != getattr(second, name)
        if differ:
            conflicts.append(name)
    return conflicts


def _digits(phone: str) -> str:
    return "".join(char for char in phone if char.isdigit())


def keep_from_duplicate(survivor: Person, duplicate: Person, fields) -> dict:
    """Give the survivor the duplicate's value of each of `fields` (of CHOSEN_FIELDS); returns
    the survivor's values replaced, as JSON (for the merge's record)."""
    replaced = {}
    for name in fields:
        names = ["birth_date", "birth_year"] if name == "birth_date" else [name]
        for attname in names:
            replaced[attname] = getattr(survivor, attname)
            setattr(survivor, attname, getattr(duplicate, attname))
    return json.loads(json.dumps(replaced, cls=DjangoJSONEncoder))
