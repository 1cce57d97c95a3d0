// Command auth-demo logs in with a token (checked with whoami and saved like
// the Python client does), shows the account, lists stored tokens and logs
// out. On a real Hub it uses HF_TOKEN and only shows the account.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/examples/internal/exhub"
)

func main() {
	ctx := context.Background()
	hub, err := exhub.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	if !hub.Embedded {
		u, err := hub.Client.WhoAmI(ctx)
		if err != nil {
			fmt.Printf("not logged in (%v)\n", err)
			return
		}
		fmt.Printf("logged in as %s on %s\n", u.Name, hub.URL())
		return
	}

	// The embedded Hub's client has its own HF_HOME in a temp folder, so
	// logging in here does not touch your real token.
	u, err := hub.Client.Login(ctx, hub.Token())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("logged in as %s\n", u.Name)
	who, err := hub.Client.WhoAmI(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("whoami: %s (orgs: %d)\n", who.Name, len(who.Orgs))
	toks, err := hub.Client.ListTokens(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range toks {
		fmt.Printf("stored token %q active=%v value=%s\n", t.Name, t.Active, hfhub.MaskToken(t.Token))
	}
	if err := hub.Client.Logout(ctx, ""); err != nil {
		log.Fatal(err)
	}
	if _, err := hub.Client.WhoAmI(ctx); err != nil {
		fmt.Printf("after logout: %v\n", err)
	}
}
