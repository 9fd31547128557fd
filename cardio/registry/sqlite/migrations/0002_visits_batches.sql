-- 0002: the clinic front desk's visits and the persistent batch issuance queue.

CREATE TABLE visits (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    day     TEXT NOT NULL,
    enp     TEXT NOT NULL,
    reader  TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL
);
CREATE INDEX visits_day ON visits(day, at);
CREATE INDEX visits_enp ON visits(enp);

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE batch_items (
    batch_id    INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    row         INTEGER NOT NULL,
    enp         TEXT NOT NULL DEFAULT '',
    payload     BLOB NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'done', 'failed', 'skipped')),
    card_serial TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (batch_id, row)
) WITHOUT ROWID;
CREATE INDEX batch_items_pending ON batch_items(batch_id, row) WHERE state = 'pending';
