package profile

import (
	"bufio"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// corpusRow is one real User-Agent of testdata/ua-corpus.tsv.
type corpusRow struct {
	line                                    int
	ua, vendor, model, mac, kind, src, note string
}

func readCorpus(t *testing.T) []corpusRow {
	t.Helper()
	f, err := os.Open("testdata/ua-corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	header := false
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.HasPrefix(l, "#") || l == "" {
			continue
		}
		c := strings.Split(l, "\t")
		if len(c) != 7 {
			t.Fatalf("ua-corpus.tsv:%d: %d columns, want 7", n, len(c))
		}
		if !header {
			if strings.Join(c, ",") != "ua,vendor,model,mac,kind,source,note" {
				t.Fatalf("ua-corpus.tsv:%d: header %q", n, l)
			}
			header = true
			continue
		}
		r := corpusRow{n, c[0], c[1], c[2], c[3], c[4], c[5], c[6]}
		if r.ua == "" || r.src == "" || (r.kind != "provisioning" && r.kind != "sip-only") {
			t.Fatalf("ua-corpus.tsv:%d: needs a UA, a source and kind provisioning or sip-only", n)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// Every provisioning User-Agent in the corpus is read by its own vendor's
// profile, and by no other, with the model and MAC it carries. Rows noted
// "pending-fix" are real UAs a profile does not read yet: logged, not
// failed.
//
// SIP-only User-Agents are never sent on provisioning requests. The rule
// for them: no other vendor's profile may accept one (that would render
// another vendor's template for the phone), and the own vendor's profile,
// if it accepts one, must read no MAC from it (a SIP User-Agent carries
// none; a MAC read from it would be invented and could bind the request
// to another device). Accepting it as a MAC-less UA of its own vendor is
// harmless: the lease and neighbour checks still decide.
func TestUACorpus(t *testing.T) {
	r := newTestRegistry(t)
	rows := readCorpus(t)
	families := map[string]int{}
	for _, row := range rows {
		families[row.vendor]++
		if strings.HasPrefix(row.note, "pending-fix") {
			t.Logf("ua-corpus.tsv:%d: pending fix, not checked: %q (%s)", row.line, row.ua, row.note)
			continue
		}
		var hits []string
		for _, p := range r.Profiles() {
			u, ok := p.ParseUA(row.ua)
			if !ok {
				continue
			}
			hits = append(hits, p.Name)
			if p.Name != row.vendor {
				continue
			}
			gotMAC := ""
			if u.HasMAC {
				gotMAC = hex.EncodeToString(u.MAC[:])
			}
			switch {
			case row.kind == "sip-only" && u.HasMAC:
				t.Errorf("ua-corpus.tsv:%d: SIP-only %q gives MAC %s", row.line, row.ua, gotMAC)
			case row.kind == "provisioning" && (u.Model != row.model || gotMAC != row.mac):
				t.Errorf("ua-corpus.tsv:%d: %q reads model %q MAC %q, want %q %q", row.line, row.ua, u.Model, gotMAC, row.model, row.mac)
			}
		}
		own := len(hits) == 1 && hits[0] == row.vendor
		if row.kind == "provisioning" && !own || row.kind == "sip-only" && len(hits) > 0 && !own {
			t.Errorf("ua-corpus.tsv:%d: %s %q accepted by %v", row.line, row.kind, row.ua, hits)
		}
	}
	if len(rows) < 80 {
		t.Errorf("corpus has %d UAs, want at least 80", len(rows))
	}
	for _, p := range r.Profiles() {
		if families[p.Name] == 0 {
			t.Errorf("no %s User-Agent in the corpus", p.Name)
		}
	}
}
