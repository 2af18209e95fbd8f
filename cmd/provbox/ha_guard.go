package main

import (
	"context"
	"fmt"

	"github.com/provbox/provbox/provisioning/store"
)

// haRecent is how young a failover node's heartbeat must be to count as
// running: failover nodes beat every haBeat.
const haRecent = 3 * haTTL

// refuseUnfencedDHCP is the check before serving DHCP without failover
// ([store] ha = false): on a database a failover pair uses (an unexpired
// leadership, a recent heartbeat) this node would allocate addresses
// beside the pair's leader, unfenced, and hand out duplicates. SQLite
// has no failover: nothing to check.
func refuseUnfencedDHCP(ctx context.Context, st *store.Store) error {
	ctx, cancel := context.WithTimeout(ctx, 5*haCall)
	defer cancel()
	inUse, err := st.FailoverInUse(ctx, haRecent)
	if err != nil {
		return fmt.Errorf("dhcp: checking whether a DHCP failover pair uses the database: %w", err)
	}
	if inUse != "" {
		return fmt.Errorf("dhcp: store.ha is false, but a DHCP failover pair uses this database (%s): "+
			"this node would hand out addresses beside its leader; set store.ha = true here too, or disable DHCP on this node", inUse)
	}
	return nil
}
