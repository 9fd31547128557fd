package sqlite

import (
	"errors"
	"slices"
	"testing"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

func TestPolicies(t *testing.T) {
	s, _ := newStore(t)
	p := syntheticPolicy(1)
	if _, err := s.Policy(ctx, p.ENP); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("unknown policy: %v", err)
	}
	if err := s.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Policy(ctx, p.ENP)
	if err != nil || got != p {
		t.Fatalf("Policy = %+v, %v; want %+v", got, err, p)
	}
	// Updating a known ENP changes the holder in place.
	p.Person.Surname = "Иванова"
	p.Expiry = policy.MakeDate(2030, 12, 31)
	if err := s.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Policy(ctx, p.ENP); err != nil || got != p {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	var persons int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM persons`).Scan(&persons); err != nil || persons != 1 {
		t.Fatalf("persons after update: %d, %v", persons, err)
	}
}

func TestPolicyValidation(t *testing.T) {
	s, _ := newStore(t)
	tests := map[string]func(*registry.PolicyRecord){
		"bad check digit": func(r *registry.PolicyRecord) { r.ENP = r.ENP[:15] + string('0'+(r.ENP[15]-'0'+1)%10) },
		"short ENP":       func(r *registry.PolicyRecord) { r.ENP = "123" },
		"no surname":      func(r *registry.PolicyRecord) { r.Person.Surname = "" },
		"no first name":   func(r *registry.PolicyRecord) { r.Person.FirstName = "" },
		"bad SNILS":       func(r *registry.PolicyRecord) { r.Person.SNILS = "112-233-445 96" },
		"impossible date": func(r *registry.PolicyRecord) { r.Person.BirthDate = policy.MakeDate(1990, 2, 30) },
		"bad expiry":      func(r *registry.PolicyRecord) { r.Expiry = policy.MakeDate(2030, 13, 1) },
		"not UTF-8":       func(r *registry.PolicyRecord) { r.Person.BirthPlace = "\xff" },
	}
	for name, mutate := range tests {
		r := syntheticPolicy(2)
		mutate(&r)
		if err := s.PutPolicy(ctx, r); !errors.Is(err, registry.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	ok := syntheticPolicy(2)
	ok.Person.SNILS = ""
	if err := s.PutPolicy(ctx, ok); err != nil {
		t.Errorf("policy without SNILS refused: %v", err)
	}
}

func TestImportPoliciesAllOrNothing(t *testing.T) {
	s, _ := newStore(t)
	var recs []registry.PolicyRecord
	for i := 0; i < 500; i++ {
		recs = append(recs, syntheticPolicy(i))
	}
	bad := slices.Clone(recs)
	bad[321].Person.Surname = ""
	err := s.ImportPolicies(ctx, bad)
	var ie *registry.ImportError
	if !errors.As(err, &ie) || ie.Index != 321 || !errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("import with a bad record: %v", err)
	}
	dup := slices.Clone(recs)
	dup[400].ENP = dup[12].ENP
	if err := s.ImportPolicies(ctx, dup); !errors.As(err, &ie) || ie.Index != 400 || !errors.Is(err, registry.ErrExists) {
		t.Fatalf("import with a duplicate ENP: %v", err)
	}
	if sum, _ := s.Summary(ctx); sum.Policies != 0 {
		t.Fatalf("refused imports stored %d policies", sum.Policies)
	}
	if err := s.ImportPolicies(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// Re-importing updates rather than duplicates.
	recs[7].Person.FirstName = "Мария"
	if err := s.ImportPolicies(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if sum, _ := s.Summary(ctx); sum.Policies != 500 {
		t.Fatalf("after two imports: %d policies", sum.Policies)
	}
	if got, err := s.Policy(ctx, recs[7].ENP); err != nil || got != recs[7] {
		t.Fatalf("re-imported policy: %+v, %v", got, err)
	}
	// A database failure half-way (a cancelled context) also stores nothing.
	more := []registry.PolicyRecord{syntheticPolicy(1000), syntheticPolicy(1001)}
	cctx, cancel := contextWithCancel()
	cancel()
	if err := s.ImportPolicies(cctx, more); err == nil {
		t.Fatal("import with a cancelled context succeeded")
	}
	if _, err := s.Policy(ctx, more[0].ENP); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("cancelled import left a record: %v", err)
	}
}

func TestCardLifecycle(t *testing.T) {
	s, _ := newStore(t)
	p := syntheticPolicy(3)
	if err := s.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCard(ctx, registry.Card{Serial: "S1", ENP: syntheticENP(99)}); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("card of an unknown policy: %v", err)
	}
	for _, c := range []registry.Card{{ENP: p.ENP}, {Serial: "X", ENP: p.ENP, Status: "bogus"}, {Serial: "X", ENP: p.ENP, Status: registry.StatusReplaced}} {
		if err := s.AddCard(ctx, c); !errors.Is(err, registry.ErrInvalid) {
			t.Errorf("AddCard(%+v): %v, want ErrInvalid", c, err)
		}
	}
	issued := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := s.AddCard(ctx, registry.Card{Serial: "S1", ENP: p.ENP, IssuedAt: issued, Reader: "R1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCard(ctx, registry.Card{Serial: "S1", ENP: p.ENP}); !errors.Is(err, registry.ErrExists) {
		t.Fatalf("duplicate serial: %v", err)
	}
	c, err := s.Card(ctx, "S1")
	if err != nil || c.Status != registry.StatusPersonalising || !c.IssuedAt.Equal(issued) || c.Reader != "R1" || c.ENP != p.ENP {
		t.Fatalf("new card: %+v, %v", c, err)
	}
	if _, err := s.Card(ctx, "nope"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("unknown card: %v", err)
	}
	step := func(serial string, to registry.CardStatus, note string) {
		t.Helper()
		if err := s.SetCardStatus(ctx, serial, to, note); err != nil {
			t.Fatal(err)
		}
	}
	step("S1", registry.StatusActive, "verified")
	// A second card: written, activated; the first becomes replaced by it.
	if err := s.AddCard(ctx, registry.Card{Serial: "S2", ENP: p.ENP, IssuedAt: issued.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	step("S2", registry.StatusActive, "")
	if c, _ := s.Card(ctx, "S1"); c.Status != registry.StatusReplaced || c.ReplacedBy != "S2" || c.Note != "verified" {
		t.Fatalf("superseded card: %+v", c)
	}
	// S2 lost, S3 issued: S2 stays lost but is linked to S3.
	step("S2", registry.StatusLost, "holder reported")
	if err := s.AddCard(ctx, registry.Card{Serial: "S3", ENP: p.ENP, IssuedAt: issued.Add(2 * time.Hour), Status: registry.StatusActive}); err != nil {
		t.Fatal(err)
	}
	cards, err := s.CardsByENP(ctx, p.ENP)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cards {
		got = append(got, c.Serial+":"+string(c.Status)+">"+c.ReplacedBy)
	}
	if want := []string{"S1:replaced>S2", "S2:lost>S3", "S3:active>"}; !slices.Equal(got, want) {
		t.Fatalf("cards %v, want %v", got, want)
	}
	if cards, err := s.CardsByENP(ctx, syntheticENP(98)); err != nil || len(cards) != 0 || cards == nil {
		t.Fatalf("cards of an unknown policy: %v, %v", cards, err)
	}
	if err := s.SetCardStatus(ctx, "nope", registry.StatusLost, ""); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("status of an unknown card: %v", err)
	}
	// Only one active card per policy, even through raw SQL.
	if _, err := s.db.Exec(`UPDATE cards SET status = 'active' WHERE serial = 'S2'`); err == nil {
		t.Fatal("two active cards allowed by the schema")
	}
}

func TestCardIllegalTransitions(t *testing.T) {
	s, _ := newStore(t)
	p := syntheticPolicy(4)
	if err := s.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	// For every pair, put a card into the first status and try the second.
	n := 0
	for _, from := range registry.CardStatuses {
		for _, to := range registry.CardStatuses {
			n++
			serial := string(from) + ">" + string(to)
			c := registry.Card{Serial: serial, ENP: p.ENP, Status: from}
			if from == registry.StatusReplaced {
				c.ReplacedBy = "other"
			}
			if from == registry.StatusActive {
				// Park any active card so this one can be active.
				s.db.Exec(`UPDATE cards SET status = 'voided' WHERE enp = ? AND status = 'active'`, p.ENP)
			}
			if err := s.AddCard(ctx, c); err != nil {
				t.Fatal(err)
			}
			err := s.SetCardStatus(ctx, serial, to, "")
			if from.CanBecome(to) {
				if err != nil {
					t.Errorf("%s → %s refused: %v", from, to, err)
				}
				continue
			}
			var te *registry.TransitionError
			if !errors.As(err, &te) || !errors.Is(err, registry.ErrIllegalTransition) || te.From != string(from) || te.To != string(to) || te.Key != serial {
				t.Errorf("%s → %s: %v, want a TransitionError", from, to, err)
				continue
			}
			if c, _ := s.Card(ctx, serial); c.Status != from {
				t.Errorf("%s → %s refused but status is now %s", from, to, c.Status)
			}
		}
	}
	if n != 49 {
		t.Fatalf("tried %d pairs", n)
	}
	for _, tt := range []struct {
		from, to registry.CardStatus
		ok       bool
	}{
		{registry.StatusSpoiled, registry.StatusActive, false}, {registry.StatusReplaced, registry.StatusActive, false}, {registry.StatusVoided, registry.StatusActive, false},
		{registry.StatusActive, registry.StatusReplaced, false}, {registry.StatusLost, registry.StatusActive, false}, {registry.StatusActive, registry.StatusActive, false},
		{registry.StatusPersonalising, registry.StatusActive, true}, {registry.StatusActive, registry.StatusLost, true}, {registry.StatusLost, registry.StatusStolen, true},
	} {
		if got := tt.from.CanBecome(tt.to); got != tt.ok {
			t.Errorf("%s.CanBecome(%s) = %v", tt.from, tt.to, got)
		}
	}
	for _, st := range registry.CardStatuses {
		if !st.Valid() || st.Terminal() != slices.Contains([]registry.CardStatus{registry.StatusReplaced, registry.StatusSpoiled, registry.StatusVoided}, st) {
			t.Errorf("status %s: valid %v terminal %v", st, st.Valid(), st.Terminal())
		}
	}
}

func TestInsurerRecords(t *testing.T) {
	s, _ := newStore(t)
	p := syntheticPolicy(5)
	if err := s.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	fp := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	first := registry.InsurerRecord{ENP: p.ENP, OGRN: "1027739008440", OKATO: "45000", Start: policy.MakeDate(2020, 3, 15), FileID: 0x0201, SignerFingerprint: fp}
	if _, err := s.AddInsurerRecord(ctx, registry.InsurerRecord{ENP: syntheticENP(97), OGRN: first.OGRN, OKATO: first.OKATO, Start: first.Start}); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("record of an unknown policy: %v", err)
	}
	for name, mutate := range map[string]func(*registry.InsurerRecord){
		"bad OGRN":        func(r *registry.InsurerRecord) { r.OGRN = "1027739008441" },
		"bad OKATO":       func(r *registry.InsurerRecord) { r.OKATO = "4500" },
		"no start":        func(r *registry.InsurerRecord) { r.Start = policy.Date{} },
		"end before":      func(r *registry.InsurerRecord) { r.End = policy.MakeDate(2019, 1, 1) },
		"bad fingerprint": func(r *registry.InsurerRecord) { r.SignerFingerprint = "ABC" },
	} {
		r := first
		mutate(&r)
		if _, err := s.AddInsurerRecord(ctx, r); !errors.Is(err, registry.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	id1, err := s.AddInsurerRecord(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CloseInsurerRecord(ctx, p.ENP, policy.MakeDate(2019, 1, 1)); !errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("closing before the start: %v", err)
	}
	if err := s.CloseInsurerRecord(ctx, p.ENP, policy.MakeDate(2024, 6, 30)); err != nil {
		t.Fatal(err)
	}
	second := registry.InsurerRecord{ENP: p.ENP, OGRN: "1027700186062", OKATO: "40000", Start: policy.MakeDate(2024, 7, 1), FileID: 0x0202}
	id2, err := s.AddInsurerRecord(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.InsurerRecords(ctx, p.ENP)
	if err != nil {
		t.Fatal(err)
	}
	first.ID, first.End, second.ID = id1, policy.MakeDate(2024, 6, 30), id2
	if want := []registry.InsurerRecord{first, second}; !slices.Equal(list, want) {
		t.Fatalf("records %+v, want %+v", list, want)
	}
	if err := s.CloseInsurerRecord(ctx, p.ENP, policy.MakeDate(2025, 1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseInsurerRecord(ctx, p.ENP, policy.MakeDate(2026, 1, 1)); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("closing with nothing open: %v", err)
	}
}

func TestVisits(t *testing.T) {
	s, _ := newStore(t)
	msk := time.FixedZone("MSK", 3*3600)
	// 23:30 UTC on 1 March is already 2 March in Moscow: the front desk's day counts.
	at := []time.Time{
		time.Date(2026, 3, 2, 8, 0, 0, 0, msk),
		time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC).In(msk),
		time.Date(2026, 3, 1, 12, 0, 0, 0, msk),
	}
	for i, a := range at {
		if _, err := s.AddVisit(ctx, registry.Visit{At: a, ENP: syntheticENP(i), Reader: "front", Verdict: "valid"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddVisit(ctx, registry.Visit{At: at[0], Verdict: "valid"}); !errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("visit without ENP: %v", err)
	}
	got, err := s.Visits(ctx, policy.MakeDate(2026, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ENP != syntheticENP(1) || got[1].ENP != syntheticENP(0) || !got[1].At.Equal(at[0]) || got[0].Day != policy.MakeDate(2026, 3, 2) {
		t.Fatalf("visits of 2 March: %+v", got)
	}
	if got, err := s.Visits(ctx, policy.MakeDate(2026, 3, 3)); err != nil || len(got) != 0 || got == nil {
		t.Fatalf("visits of an empty day: %v, %v", got, err)
	}
}

func TestBatchQueue(t *testing.T) {
	s, path := newStore(t)
	items := []registry.BatchItem{
		{Row: 2, ENP: syntheticENP(1), Payload: []byte(`{"surname":"A"}`)},
		{Row: 3, ENP: syntheticENP(2), Payload: []byte(`{"surname":"B"}`)},
		{Row: 5, ENP: syntheticENP(3)},
	}
	if _, err := s.CreateBatch(ctx, "dup", []registry.BatchItem{{Row: 1}, {Row: 1}}); !errors.Is(err, registry.ErrExists) {
		t.Fatalf("duplicate rows: %v", err)
	}
	id, err := s.CreateBatch(ctx, "march.csv", items)
	if err != nil {
		t.Fatal(err)
	}
	next, err := s.NextPending(ctx, id)
	if err != nil || next.Row != 2 || string(next.Payload) != `{"surname":"A"}` || next.State != registry.ItemPending {
		t.Fatalf("first pending: %+v, %v", next, err)
	}
	if err := s.SetItemState(ctx, id, 2, registry.ItemDone, "S1", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetItemState(ctx, id, 2, registry.ItemPending, "", ""); !errors.Is(err, registry.ErrIllegalTransition) {
		t.Fatalf("done → pending: %v", err)
	}
	if err := s.SetItemState(ctx, id, 3, registry.ItemFailed, "", "blank_locked"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetItemState(ctx, id, 9, registry.ItemDone, "", ""); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("unknown row: %v", err)
	}

	// A crash: the process goes away; a new one reopens the file and resumes.
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	next, err = s2.NextPending(ctx, id)
	if err != nil || next.Row != 5 || len(next.Payload) != 0 {
		t.Fatalf("after reopening: %+v, %v", next, err)
	}
	if err := s2.SetItemState(ctx, id, 5, registry.ItemSkipped, "", "operator"); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.NextPending(ctx, id); !errors.Is(err, registry.ErrNoPending) {
		t.Fatalf("finished batch: %v", err)
	}
	if _, err := s2.NextPending(ctx, id+1); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("unknown batch: %v", err)
	}
	// Retry the failed row.
	if err := s2.SetItemState(ctx, id, 3, registry.ItemPending, "", ""); err != nil {
		t.Fatal(err)
	}
	b, err := s2.Batch(ctx, id)
	if err != nil || b.Name != "march.csv" || b.Total != 3 || b.Done != 1 || b.Pending != 1 || b.Skipped != 1 || b.Failed != 0 {
		t.Fatalf("batch summary: %+v, %v", b, err)
	}
	all, err := s2.BatchItems(ctx, id)
	if err != nil || len(all) != 3 || all[0].CardSerial != "S1" || all[2].Note != "operator" {
		t.Fatalf("items: %+v, %v", all, err)
	}
	if _, err := s2.BatchItems(ctx, 999); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("items of an unknown batch: %v", err)
	}
	id2, err := s2.CreateBatch(ctx, "empty", nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s2.Batches(ctx)
	if err != nil || len(list) != 2 || list[0].ID != id2 || list[0].Total != 0 || list[1].ID != id {
		t.Fatalf("batches: %+v, %v", list, err)
	}
	for _, tt := range []struct {
		from, to registry.ItemState
		ok       bool
	}{
		{registry.ItemPending, registry.ItemDone, true}, {registry.ItemDone, registry.ItemFailed, false}, {registry.ItemSkipped, registry.ItemDone, false},
		{registry.ItemFailed, registry.ItemFailed, true}, {registry.ItemPending, registry.ItemPending, false}, {registry.ItemState("x"), registry.ItemDone, false},
	} {
		if got := tt.from.CanBecome(tt.to); got != tt.ok {
			t.Errorf("%s.CanBecome(%s) = %v", tt.from, tt.to, got)
		}
	}
}

func TestSummary(t *testing.T) {
	s, path := newStore(t)
	p := syntheticPolicy(6)
	if err := s.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCard(ctx, registry.Card{Serial: "S1", ENP: p.ENP, Status: registry.StatusActive}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCard(ctx, registry.Card{Serial: "S0", ENP: p.ENP, Status: registry.StatusSpoiled}); err != nil {
		t.Fatal(err)
	}
	es := journalOf(t, s, 2)
	sum, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.SchemaVersion != SchemaVersion() || sum.Policies != 1 || sum.Cards[registry.StatusActive] != 1 || sum.Cards[registry.StatusSpoiled] != 1 ||
		sum.JournalEntries != 2 || sum.Head != (registry.Anchor{Seq: 2, Hash: es[1].Hash}) {
		t.Fatalf("summary %+v", sum)
	}
	// A garbled head hash does not stop the summary; verification explains it.
	db := rawDB(t, path)
	dropTriggers(t, db)
	mustExec(t, db, `UPDATE journal SET hash = 'x' WHERE seq = 2`)
	if _, err := s.Head(ctx); !errors.Is(err, registry.ErrJournalBroken) {
		t.Fatalf("Head of a garbled journal: %v", err)
	}
	if sum, err := s.Summary(ctx); err != nil || sum.JournalEntries != 2 || sum.Head != (registry.Anchor{}) {
		t.Fatalf("summary of a garbled journal: %+v, %v", sum, err)
	}
	if _, err := s.Append(ctx, registry.Entry{Step: registry.StepPrint, Result: registry.ResultOK}); !errors.Is(err, registry.ErrJournalBroken) {
		t.Fatalf("append after a garbled head: %v", err)
	}
}

func TestOpenMemoryAndBadPaths(t *testing.T) {
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutPolicy(ctx, syntheticPolicy(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Policy(ctx, syntheticENP(1)); err != nil {
		t.Fatalf("in-memory store lost its data between connections: %v", err)
	}
	for _, p := range []string{"", "a?b.db"} {
		if _, err := Open(ctx, p); !errors.Is(err, registry.ErrInvalid) {
			t.Errorf("Open(%q): %v", p, err)
		}
	}
	if _, err := Open(ctx, t.TempDir()+"/no/such/dir/x.db"); err == nil {
		t.Error("opening in a missing directory succeeded")
	}
}
