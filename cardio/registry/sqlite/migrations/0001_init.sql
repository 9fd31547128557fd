-- 0001: policies and their holders, cards, insurer records, and the journal.
-- Dates are 'YYYY-MM-DD' or '' (no date); times are UTC in the journal's TimeLayout.

CREATE TABLE persons (
    id          INTEGER PRIMARY KEY,
    surname     TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    patronymic  TEXT NOT NULL DEFAULT '',
    birth_date  TEXT NOT NULL DEFAULT '',
    sex         INTEGER NOT NULL DEFAULT 0,
    snils       TEXT NOT NULL DEFAULT '',
    birth_place TEXT NOT NULL DEFAULT ''
);
CREATE INDEX persons_snils ON persons(snils) WHERE snils <> '';

CREATE TABLE policies (
    id         INTEGER PRIMARY KEY,
    enp        TEXT NOT NULL UNIQUE,
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    issue_date TEXT NOT NULL DEFAULT '',
    expiry     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX policies_person ON policies(person_id);

CREATE TABLE cards (
    serial      TEXT PRIMARY KEY,
    enp         TEXT NOT NULL REFERENCES policies(enp),
    status      TEXT NOT NULL CHECK (status IN
                ('personalising', 'active', 'replaced', 'lost', 'stolen', 'spoiled', 'voided')),
    issued_at   TEXT NOT NULL,
    reader      TEXT NOT NULL DEFAULT '',
    replaced_by TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);
CREATE INDEX cards_enp ON cards(enp, issued_at);
-- At most one valid card per policy.
CREATE UNIQUE INDEX cards_one_active ON cards(enp) WHERE status = 'active';

CREATE TABLE insurer_records (
    id                 INTEGER PRIMARY KEY,
    enp                TEXT NOT NULL REFERENCES policies(enp),
    ogrn               TEXT NOT NULL,
    okato              TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT NOT NULL DEFAULT '',
    file_id            INTEGER NOT NULL DEFAULT 0,
    signer_fingerprint TEXT NOT NULL DEFAULT ''
);
CREATE INDEX insurer_records_enp ON insurer_records(enp, start_date);

-- The journal: append-only, each row chained to the one before by prev_hash.
CREATE TABLE journal (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    workstation TEXT NOT NULL DEFAULT '',
    reader      TEXT NOT NULL DEFAULT '',
    card_serial TEXT NOT NULL DEFAULT '',
    enp         TEXT NOT NULL DEFAULT '',
    step        TEXT NOT NULL,
    result      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX journal_enp ON journal(enp) WHERE enp <> '';
CREATE INDEX journal_card ON journal(card_serial) WHERE card_serial <> '';

-- Defence in depth: the program never updates or deletes journal rows. Someone with
-- the file can drop these triggers; the hash chain is what catches that.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only');
END;
