package serve

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// DemoToken is the token `hf serve --demo` accepts (user "demo", admin)
// when no --tokens file is given, so uploads and repo changes can be tried.
const DemoToken = "hf_demo"

// prepareDemo readies `hf serve --demo`: a temporary store when --dir is
// not given, the demo repos of `hf demo` written as folders and added to
// the imports, and a tokens file accepting [DemoToken] unless --tokens is
// given. It returns a function that removes what it made.
func prepareDemo(opts *Options) (cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "hf-serve-demo-")
	if err != nil {
		return nil, err
	}
	cleanup = func() { _ = os.RemoveAll(tmp) } // best effort: our own temporary folder
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(tmp, "store")
	}
	for _, r := range hubtest.DemoRepos() {
		ref := r.ID
		if r.Type != "model" {
			ref = r.Type + "s/" + r.ID
		}
		dir := filepath.Join(tmp, "src", filepath.FromSlash(ref))
		for name, data := range r.Files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return nil, err
			}
		}
		opts.Imports = append(opts.Imports, ref+"="+dir)
	}
	if opts.Tokens == "" {
		opts.Tokens = filepath.Join(tmp, "tokens")
		if err := fsutil.WriteFileAtomic(opts.Tokens, []byte(DemoToken+" demo admin\n"), 0o600); err != nil {
			return nil, err
		}
		opts.demoToken = true
	}
	return cleanup, nil
}

// demoNext is what `hf serve --demo` prints once it listens: the commands
// to try against it from another terminal.
func demoNext(p *cmdutil.Printer, url string, withToken bool) {
	env := "HF_ENDPOINT=" + url
	if withToken {
		env += " HF_TOKEN=" + DemoToken
	}
	p.Infof("Demo Hub with %s and %s. In another terminal, try:", hubtest.DemoModelID, hubtest.DemoDatasetID)
	p.Infof("  export %s", env)
	for _, c := range []string{
		"hf models ls",
		"hf models info " + hubtest.DemoModelID,
		"hf download " + hubtest.DemoModelID,
		"hf datasets configs " + hubtest.DemoDatasetID,
	} {
		p.Infof("  %s", c)
	}
	if withToken {
		p.Infof("  hf upload demo/my-model ./some-folder   (token %s, user demo, may write anywhere)", DemoToken)
	}
	p.Infof("%s", fmt.Sprintf("The Python client works too: HF_ENDPOINT=%s python -c 'import huggingface_hub as h; print(h.model_info(%q))'", url, hubtest.DemoModelID))
}
