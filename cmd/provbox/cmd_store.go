package main

import (
	"context"
	"fmt"

	"github.com/provbox/provbox/provisioning/store"
)

// cmdStore is `provbox store copy`: moving the state between the SQLite
// file in state_dir and a PostgreSQL database, both ways. The daemon must
// be stopped (nothing may write to either side during the copy).
func cmdStore(ctx context.Context, c *cli, args []string) error {
	return subcommand(ctx, c, "store", map[string]func(context.Context, *cli, []string) error{
		"copy": storeCopy,
	}, args)
}

func storeCopy(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("store copy")
	to := fs.String("to", "", "copy state_dir's SQLite database into the empty PostgreSQL database `DSN`")
	toFile := fs.String("dsn-file", "", "as --to, the DSN read from `FILE` (mode 0600)")
	from := fs.String("from", "", "copy the PostgreSQL database `DSN` into a new SQLite database in state_dir")
	fromFile := fs.String("from-dsn-file", "", "as --from, the DSN read from `FILE` (mode 0600)")
	const what = "(--to DSN | --dsn-file FILE | --from DSN | --from-dsn-file FILE) [-c FILE]"
	if _, err := c.parse(fs, args, 0, 0, what); err != nil {
		return err
	}
	set := 0
	for _, v := range []string{*to, *toFile, *from, *fromFile} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return usagef("store copy: give exactly one of --to, --dsn-file, --from, --from-dsn-file")
	}
	dsn, toPG := *to+*from, *to != "" || *toFile != ""
	if f := *toFile + *fromFile; f != "" {
		var err error
		if dsn, err = store.ReadDSNFile(f); err != nil {
			return err
		}
	}
	cfg, err := decodeConfig(c.configFile())
	if err != nil {
		return err
	}
	lite, err := store.Open(ctx, cfg.stateDirPath())
	if err != nil {
		return err
	}
	defer lite.Close()
	pg, err := store.OpenPostgres(ctx, dsn)
	if err != nil {
		return err
	}
	defer pg.Close()
	src, dst := lite, pg
	if !toPG {
		src, dst = pg, lite
	}
	counts, err := src.CopyTo(ctx, dst)
	if err != nil {
		return fmt.Errorf("copying %s to %s: %w", src.Path(), dst.Path(), err)
	}
	_, err = fmt.Fprintf(c.stdout, "copied %s to %s; rows verified: %s\n", src.Path(), dst.Path(), counts)
	return err
}
