package ops

import (
	"context"

	"github.com/provbox/provbox/provisioning"
)

// Account is an account and how many devices it has.
type Account struct {
	provisioning.Account
	Devices int
}

// Accounts lists every account with its device count.
func (o *Ops) Accounts() []Account {
	counts := map[string]int{}
	for _, d := range o.svc.Devices() {
		counts[d.Account]++
	}
	out := []Account{}
	for _, a := range o.svc.Accounts() {
		out = append(out, Account{Account: a, Devices: counts[a.Name]})
	}
	return out
}

// Account is the account name, with its device count.
func (o *Ops) Account(name string) (Account, error) {
	a, err := o.svc.Account(name)
	if err != nil {
		return Account{}, err
	}
	return o.counted(a), nil
}

func (o *Ops) counted(a provisioning.Account) Account {
	n := 0
	for _, d := range o.svc.Devices() {
		if d.Account == a.Name {
			n++
		}
	}
	return Account{Account: a, Devices: n}
}

// AddAccount creates a; the core validates its fields. A new account
// has no devices.
func (o *Ops) AddAccount(ctx context.Context, a provisioning.Account) (Account, error) {
	a, err := o.svc.AddAccount(ctx, a)
	o.audit(ctx, err, "account-added", provisioning.MAC{}, "account "+a.Name)
	return Account{Account: a}, accountField(a.Name, err)
}

// RekeyAccount gives the account name a new hash; noGrace ends the old
// secret URLs at once.
func (o *Ops) RekeyAccount(ctx context.Context, name string, noGrace bool) (Account, error) {
	rekey := o.svc.RekeyAccount
	if noGrace {
		if o.noGrace == nil {
			return Account{}, errNoGrace
		}
		rekey = o.noGrace.RekeyAccountNoGrace
	}
	a, err := rekey(ctx, name)
	o.audit(ctx, err, "account-rekeyed", provisioning.MAC{}, "account "+name+grace(noGrace))
	if err != nil {
		return Account{}, err
	}
	return o.counted(a), nil
}
