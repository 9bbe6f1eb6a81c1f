"""PostgreSQL's subject-name index: words and word pairs kept newest first, so a name search reads only matches.

On PostgreSQL the token-index plan (db/name_search.py) counted each word's
matches, then intersected them and sorted the survivors by time of receipt:
a common word ("moh": 150,000 enquiries) or two common words together cost
50-75 ms at 1,000,000 enquiries.  Two tables, kept by triggers from
``subject_name_tokens`` (the source of truth) and from the enquiry's time of
receipt and deletion, answer instead in a few index ranges:

* ``subject_name_words`` (token, received_at, enquiry_id): one row per word of
  a live enquiry's name.  One typed word: the distinct words it begins (a
  loose index scan, capped), then the newest ``limit`` of each, merged.
* ``subject_name_pairs`` (token, other, received_at, enquiry_id): one row per
  ordered pair of different words of a live enquiry's name.  Two or more typed
  words: for each word the driving typed word begins, the pairs whose other
  word begins the second typed word -- exactly the matches, nothing probed in
  vain -- with any further words checked in the token index.

Typed words that begin another typed word add nothing ("moh mohammed" asks
only for a word beginning "mohammed"), so they are dropped first; after that
no stored word can begin with two typed words, and a pair always has two
different words.  Tokens are compared bytewise (COLLATE "C"), as in the token
index, so a prefix is a range.  Deleted enquiries are not in either table.

Like SQLite's FTS5 table these are outside the models (``is_pg_name_table``),
created by migration 0017 and rebuilt in one pass by bulk
loaders (``REBUILD``) that load with triggers off.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import text

WORDS = "subject_name_words"
PAIRS = "subject_name_pairs"
TABLES = (WORDS, PAIRS)

# The most distinct stored words one typed word may begin for the index plan; beyond it the
# typed word is short and common ("a"), and the newest-first walk meets matches at once.
MAX_WORDS = 400

CREATE = (
    f"""CREATE TABLE {WORDS} (
        token varchar(80) COLLATE "C" NOT NULL,
        received_at timestamptz NOT NULL,
        enquiry_id integer NOT NULL)""",
    f"""CREATE TABLE {PAIRS} (
        token varchar(80) COLLATE "C" NOT NULL,
        other varchar(80) COLLATE "C" NOT NULL,
        received_at timestamptz NOT NULL,
        enquiry_id integer NOT NULL)""",
)
INDEXES = (
    f"CREATE INDEX ix_{WORDS}_newest ON {WORDS} (token, received_at DESC, enquiry_id DESC)",
    f"CREATE INDEX ix_{WORDS}_enquiry ON {WORDS} (enquiry_id)",
    f"CREATE INDEX ix_{PAIRS}_newest ON {PAIRS} (token, other, received_at DESC, enquiry_id DESC)",
    f"CREATE INDEX ix_{PAIRS}_enquiry ON {PAIRS} (enquiry_id)",
)

_FILL_WORDS = (f"INSERT INTO {WORDS} (token, received_at, enquiry_id) "
               "SELECT t.token, e.received_at, e.id FROM enquiries e "
               "JOIN subject_name_tokens t ON t.enquiry_id = e.id WHERE e.deleted_at IS NULL")
_FILL_PAIRS = (f"INSERT INTO {PAIRS} (token, other, received_at, enquiry_id) "
               "SELECT a.token, b.token, e.received_at, e.id FROM enquiries e "
               "JOIN subject_name_tokens a ON a.enquiry_id = e.id "
               "JOIN subject_name_tokens b ON b.enquiry_id = e.id AND b.token <> a.token "
               "WHERE e.deleted_at IS NULL")

# One enquiry's rows, recomputed whole: right whatever order its tokens are written in, and
# cheap (a name has a handful of words).  Row triggers call it.
FUNCTIONS = (
    f"""CREATE FUNCTION mpel_name_index_refresh(enquiry integer) RETURNS void LANGUAGE sql AS $$
        DELETE FROM {WORDS} WHERE enquiry_id = enquiry;
        DELETE FROM {PAIRS} WHERE enquiry_id = enquiry;
        {_FILL_WORDS} AND e.id = enquiry;
        {_FILL_PAIRS} AND e.id = enquiry;
    $$""",
    """CREATE FUNCTION mpel_name_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- A bulk loader that writes the batch's rows itself (FILL_ENQUIRIES) says so for its
        -- transaction: a row trigger re-derives an enquiry's rows once per token.
        IF TG_OP = 'INSERT' AND current_setting('mpel.bulk_name_index', true) = 'on' THEN
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN PERFORM mpel_name_index_refresh(OLD.enquiry_id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.enquiry_id <> OLD.enquiry_id) THEN
            PERFORM mpel_name_index_refresh(NEW.enquiry_id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION mpel_name_enquiry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM mpel_name_index_refresh(NEW.id);
        RETURN NULL;
    END $$""",
)
TRIGGERS = (
    "CREATE TRIGGER mpel_name_tokens_changed AFTER INSERT OR UPDATE OR DELETE ON subject_name_tokens "
    "FOR EACH ROW EXECUTE FUNCTION mpel_name_tokens_changed()",
    "CREATE TRIGGER mpel_name_enquiry_changed AFTER UPDATE OF received_at, deleted_at ON enquiries "
    "FOR EACH ROW WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at "
    "OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at) EXECUTE FUNCTION mpel_name_enquiry_changed()",
)
DROP = (
    "DROP TRIGGER IF EXISTS mpel_name_enquiry_changed ON enquiries",
    "DROP TRIGGER IF EXISTS mpel_name_tokens_changed ON subject_name_tokens",
    "DROP FUNCTION IF EXISTS mpel_name_enquiry_changed()",
    "DROP FUNCTION IF EXISTS mpel_name_tokens_changed()",
    "DROP FUNCTION IF EXISTS mpel_name_index_refresh(integer)",
    f"DROP TABLE IF EXISTS {PAIRS}",
    f"DROP TABLE IF EXISTS {WORDS}",
)

# A loader inserting many enquiries' tokens in one transaction (the legacy import): ``BULK_ON`` turns
# the token trigger off for inserts until the transaction ends (a setting, not ALTER TABLE, which
# needs the table's owner), and ``FILL_ENQUIRIES`` writes the rows of the new enquiries :ids at once.
# It gives no new power: whoever inserts tokens may write these tables anyway (pg_roles).
# The loader runs it once after all its rows: per batch of 1,000 each run planned a join of the
# growing tables again (0.3 s a batch at 20,000 enquiries, issue 10).  The ids are joined as a
# table (unnest: PostgreSQL counts the array's length for the plan), not tested one by one.
BULK_SETTING = "mpel.bulk_name_index"
BULK_ON = text(f"SELECT set_config('{BULK_SETTING}', 'on', true)")
_NEW = "unnest(CAST(:ids AS integer[])) AS new(id) JOIN enquiries e ON e.id = new.id"
FILL_ENQUIRIES = (
    text(f"INSERT INTO {WORDS} (token, received_at, enquiry_id) SELECT t.token, e.received_at, e.id FROM {_NEW} "
         "JOIN subject_name_tokens t ON t.enquiry_id = e.id WHERE e.deleted_at IS NULL"),
    text(f"INSERT INTO {PAIRS} (token, other, received_at, enquiry_id) SELECT a.token, b.token, e.received_at, e.id "
         f"FROM {_NEW} JOIN subject_name_tokens a ON a.enquiry_id = e.id "
         "JOIN subject_name_tokens b ON b.enquiry_id = e.id AND b.token <> a.token WHERE e.deleted_at IS NULL"),
)

# For a loader that wrote tokens with triggers off (benchmarks/build_db.py): fill both tables in one pass.
REBUILD = (f"TRUNCATE {WORDS}, {PAIRS}", _FILL_WORDS, _FILL_PAIRS, f"ANALYZE {WORDS}", f"ANALYZE {PAIRS}")


def is_pg_name_table(name: str) -> bool:
    """The tables kept by this module's triggers, outside the models."""
    return name in TABLES


# The distinct stored words in [lo, hi), by a loose index scan (one index probe per word);
# at most :cap of them.
WORDS_BEGINNING = text(f"""
    WITH RECURSIVE w(token) AS (
        SELECT min(token) FROM {WORDS} WHERE token >= :lo AND token < :hi
        UNION ALL
        SELECT (SELECT min(token) FROM {WORDS} WHERE token > w.token AND token < :hi)
        FROM w WHERE w.token IS NOT NULL)
    SELECT token FROM w WHERE token IS NOT NULL LIMIT :cap""")

# The newest :limit live enquiries having one of the words :tokens.  An enquiry whose name has
# two of them ("Mohammed Mohamed" for "moha") comes from both words' lists: hence DISTINCT.  The
# newest :limit of each word's list are enough: anything newer than an enquiry in the answer is
# in the answer, so fewer than :limit of its word's list come before it.
NEWEST_WITH_WORD = text(f"""
    SELECT enquiry_id FROM (
        SELECT DISTINCT r.enquiry_id, r.received_at FROM unnest(CAST(:tokens AS text[])) AS w(token),
            LATERAL (SELECT s.enquiry_id, s.received_at FROM {WORDS} s WHERE s.token = w.token
                     ORDER BY s.received_at DESC, s.enquiry_id DESC LIMIT :limit) r) m
    ORDER BY received_at DESC, enquiry_id DESC LIMIT :limit""")


@lru_cache(maxsize=None)
def newest_with_pair(extra_words: int):
    """The newest :limit live enquiries having a word in :tokens with another word in [lo, hi), and a
    word beginning each of the ``extra_words`` further typed words (parameters lo{n}, hi{n})."""
    extra = "".join(
        f" AND EXISTS (SELECT 1 FROM subject_name_tokens x{n} WHERE x{n}.enquiry_id = p.enquiry_id "
        f"AND x{n}.token >= :lo{n} AND x{n}.token < :hi{n})" for n in range(extra_words))
    # GROUP BY inside: one word may pair with several words in the range ("Ali Aliyev" for "x ali").
    return text(f"""
        SELECT enquiry_id FROM (
            SELECT DISTINCT r.enquiry_id, r.received_at FROM unnest(CAST(:tokens AS text[])) AS w(token),
                LATERAL (SELECT p.enquiry_id, p.received_at FROM {PAIRS} p
                         WHERE p.token = w.token AND p.other >= :lo AND p.other < :hi{extra}
                         GROUP BY p.enquiry_id, p.received_at
                         ORDER BY p.received_at DESC, p.enquiry_id DESC LIMIT :limit) r) m
        ORDER BY received_at DESC, enquiry_id DESC LIMIT :limit""")


def essential_words(words: Sequence[str]) -> list[str]:
    """The typed words that are not the beginning of another typed word (nor repeats), in order.

    A word that begins another asks for nothing more: any stored word beginning the longer one
    begins it too, and the plain query lets one stored word answer several typed words."""
    kept: list[str] = []
    for word in words:
        if word in kept or any(other != word and other.startswith(word) for other in words):
            continue
        kept.append(word)
    return kept
