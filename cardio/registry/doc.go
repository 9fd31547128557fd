// Package registry is the insurer office's memory: who holds which policy, which chip
// cards were written for it and what became of each card, which insurer records a
// policy carried, which cards a clinic front desk read, the persistent queue of a batch
// issuance, and an append-only journal of every issuance step.
//
// The journal is tamper-evident: each entry carries the SHA-256 of a canonical encoding
// of its fields and of the previous entry's hash (docs/registry.md gives the exact
// bytes), so [VerifyJournal] — and a third party holding only an export — can say which
// entry was edited, deleted or moved. A hash chain without a secret cannot stop someone
// who rewrites the whole tail, or cuts it off; for that a caller keeps an [Anchor]
// (the sequence number and hash of an entry, from [Journal.Head]) somewhere else and
// passes it back to verification.
//
// Callers program against [Store] and its smaller parts ([Policies], [Cards],
// [Insurers], [Visits], [Batches], [Journal]). The one implementation today is
// package omsdesk/cardio/registry/sqlite, on an embedded SQLite file
// (modernc.org/sqlite, pure Go); a server database can implement the same interface
// and reuse [Verifier], [EntryHash] and the export code, which live here and do not
// depend on any database.
//
// Personal data: the journal stores the policy number (ENP) of each step, because an
// audit needs it, but never names: [Entry.Detail] is for codes and technical facts
// ("compare: owner record differs at byte 37"), and callers must not put the holder's
// name, birth date or SNILS into it. The journal cannot be edited afterwards to remove
// them, by design.
package registry
