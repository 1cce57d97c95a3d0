// Command interop-fixtures prepares the repositories that the official-client
// checks run against.
//
//	interop-fixtures folders -dir DIR -manifest FILE
//	    writes the public fixture repositories as folders under DIR, prints one
//	    `--import` value per line (for `hf serve`) and writes the manifest
//	    (main revisions only) to FILE.
//	interop-fixtures serve -addr 127.0.0.1:0 -manifest FILE
//	    starts an in-process Hub (package hubtest) with every fixture, including
//	    tags, branches, a pull request, a private and a gated repo, writes the
//	    manifest (with the endpoint) to FILE, prints the URL and serves until
//	    SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/interop/fixtures"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "folders":
		err = folders(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop-fixtures:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: interop-fixtures folders -dir DIR -manifest FILE\n       interop-fixtures serve [-addr 127.0.0.1:0] -manifest FILE")
	os.Exit(2)
}

func folders(args []string) error {
	fs := flag.NewFlagSet("folders", flag.ExitOnError)
	dir := fs.String("dir", "", "folder to write the fixture repositories into")
	manifest := fs.String("manifest", "", "file to write the manifest to")
	_ = fs.Parse(args)
	if *dir == "" || *manifest == "" {
		return fmt.Errorf("folders needs -dir and -manifest")
	}
	imports, m, err := fixtures.WriteFolders(*dir)
	if err != nil {
		return err
	}
	if err := writeManifest(*manifest, m); err != nil {
		return err
	}
	for _, im := range imports {
		fmt.Println(im.Flag())
	}
	return nil
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	manifest := fs.String("manifest", "", "file to write the manifest to")
	_ = fs.Parse(args)
	if *manifest == "" {
		return fmt.Errorf("serve needs -manifest")
	}
	s, err := hubtest.Listen(*addr, fixtures.Options()...)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer s.Close()
	m, err := fixtures.Seed(s)
	if err != nil {
		return err
	}
	if err := writeManifest(*manifest, m); err != nil {
		return err
	}
	fmt.Println(s.URL)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}

// writeManifest writes m to file through a temporary file and a rename, so a
// reader polling for the file never sees half of it.
func writeManifest(file string, m *fixtures.Manifest) error {
	b, err := m.JSON()
	if err != nil {
		return err
	}
	return fsutil.WriteAtomic(file, 0o600, ".manifest-*", func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
