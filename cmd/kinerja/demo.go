package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	demopkg "github.com/kinerja/platform/internal/demo"
)

// demo walks a small organisation through a compressed cycle on a running platform, over its API.
func demo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	url := fs.String("url", envOr("KINERJA_URL", "http://localhost:8080"), "base URL of a platform running with KINERJA_DEV_AUTH=1 (env KINERJA_URL)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kinerja demo [-url http://localhost:8080]\n\n"+
			"Seeds a demo organisation and walks it through one compressed cycle via the JSON API.\n"+
			"The first run on an empty organisation creates an HR user and saves its NIP in .data/demo-hr-nip;\n"+
			"later runs act as that user. Environment: %s (HR NIP to act as), %s (state file).\n\nflags:\n",
			demopkg.EnvHRNIP, demopkg.EnvStateFile)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("demo: unexpected arguments %v", fs.Args())
	}
	_, err := demopkg.Run(ctx, *url, os.Stdout)
	return err
}
