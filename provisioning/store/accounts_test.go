package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func TestAccountsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if as, err := s.Accounts(ctx); err != nil || len(as) != 0 {
		t.Fatalf("empty store: Accounts = %v, %v", as, err)
	}
	b := account(t, "branch")
	a := account(t, "acme")
	z := provisioning.Account{Name: "zero", Hash: mustHash(t)} // every optional field empty
	for _, x := range []provisioning.Account{b, a, z} {
		mustCreateAccount(t, s, x)
	}
	got, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Created, b.Created = utc(a.Created), utc(b.Created)
	checkEqual(t, "Accounts", got, []provisioning.Account{a, b, z})
}

func TestCreateAccountDuplicate(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := account(t, "acme")
	mustCreateAccount(t, s, a)
	sameName := account(t, "acme")
	sameHash := account(t, "other")
	sameHash.Hash = a.Hash
	for _, tc := range []struct {
		a    provisioning.Account
		want string
	}{
		{sameName, `account "acme": already exists (accounts.name)`},
		{sameHash, `account "other": already exists (accounts.hash)`},
	} {
		err := s.CreateAccount(ctx, tc.a)
		if !errors.Is(err, provisioning.ErrExists) || err.Error() != tc.want {
			t.Errorf("CreateAccount(%s) = %v, want %q (ErrExists)", tc.a.Name, err, tc.want)
		}
		if strings.Contains(err.Error(), string(a.Hash)) {
			t.Errorf("error %q reveals the hash", err)
		}
	}
	if n := count(t, s, "accounts"); n != 1 {
		t.Errorf("%d accounts stored, want 1", n)
	}
}

func TestUpdateAccount(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a, other := account(t, "acme"), account(t, "other")
	mustCreateAccount(t, s, a)
	mustCreateAccount(t, s, other)

	a.Hash = mustHash(t) // rekey
	a.SIPServer, a.SIPPort, a.SIPTransport = "10.0.0.5", 0, provisioning.UDP
	a.NTPServer, a.TimeZone, a.Language = "", "UTC", "en"
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Unchanged values still count as found.
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatalf("idempotent update: %v", err)
	}
	got, _ := s.Accounts(ctx)
	a.Created, other.Created = utc(a.Created), utc(other.Created)
	checkEqual(t, "after update", got, []provisioning.Account{a, other})

	err := s.UpdateAccount(ctx, account(t, "ghost"))
	if !errors.Is(err, provisioning.ErrNotFound) || err.Error() != `account "ghost": not found` {
		t.Errorf("UpdateAccount(ghost) = %v, want ErrNotFound naming it", err)
	}
	clash := a
	clash.Hash = other.Hash
	err = s.UpdateAccount(ctx, clash)
	if !errors.Is(err, provisioning.ErrExists) || !strings.Contains(err.Error(), `account "acme"`) {
		t.Errorf("UpdateAccount with another account's hash = %v, want ErrExists", err)
	}
	got, _ = s.Accounts(ctx)
	checkEqual(t, "after refused update", got, []provisioning.Account{a, other})
}

func TestAccountTimeOutOfRange(t *testing.T) {
	s := openTest(t)
	a := account(t, "acme")
	a.Created = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	err := s.CreateAccount(context.Background(), a)
	if err == nil || !strings.Contains(err.Error(), `account "acme": created 3000-01-01T00:00:00Z is outside the storable range`) {
		t.Errorf("CreateAccount(year 3000) = %v", err)
	}
	if n := count(t, s, "accounts"); n != 0 {
		t.Errorf("%d accounts stored, want 0", n)
	}
}
