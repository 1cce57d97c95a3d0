// Command hf is the command-line tool of hfhub: the Hugging Face Hub from a
// terminal, with the Python hf CLI's commands and flags. Run `hf --help`.
package main

import (
	"os"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/root"
)

func main() {
	os.Exit(int(root.Main(os.Args[1:])))
}
