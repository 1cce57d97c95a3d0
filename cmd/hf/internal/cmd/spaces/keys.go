package spaces

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// newKeysCmd returns `hf spaces secrets` (secret true) or `hf spaces
// variables`.
func newKeysCmd(f *cmdutil.Factory, secret bool) *cobra.Command {
	noun, flag := "variables", "-e KEY=VALUE"
	if secret {
		noun, flag = "secrets", "-s KEY=VALUE"
	}
	group := &cobra.Command{
		Use:   noun + " <command>",
		Short: "List, add and delete a Space's " + noun,
	}
	if secret {
		group.Long = "Secret values are write-only: the Hub never returns them, and hf never prints them."
	}
	ls := &cobra.Command{
		Use: "ls <space-id>", Aliases: []string{"list"}, Short: "List a Space's " + noun, Args: cobra.ExactArgs(1),
		Example: "  $ hf spaces " + noun + " ls acme/demo",
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			p := f.Printer()
			if secret {
				ss, err := c.SpaceSecrets(ctx, id)
				if err != nil {
					return err
				}
				rows := make([][]string, len(ss))
				for i, s := range ss {
					rows[i] = []string{s.Key, s.Description, timeOf(p, s.UpdatedAt)}
				}
				return p.Table([]string{"KEY", "DESCRIPTION", "UPDATED"}, rows, ss)
			}
			vs, err := c.SpaceVariables(ctx, id)
			if err != nil {
				return err
			}
			rows := make([][]string, len(vs))
			for i, v := range vs {
				rows[i] = []string{v.Key, v.Value, v.Description, timeOf(p, v.UpdatedAt)}
			}
			return p.Table([]string{"KEY", "VALUE", "DESCRIPTION", "UPDATED"}, rows, vs)
		}),
	}
	var ef cmdutil.EnvFlags
	var desc string
	add := &cobra.Command{
		Use: "add <space-id>", Short: "Add or update " + noun + " of a Space", Args: cobra.ExactArgs(1),
		Example: "  $ hf spaces " + noun + " add acme/demo " + flag + "\n  $ hf spaces " + noun + " add acme/demo --" + map[bool]string{true: "secrets", false: "env"}[secret] + "-file .env",
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			tok, _ := c.Token()
			vars, secrets, err := ef.Parse(f.Getenv, tok)
			if err != nil {
				return err
			}
			kvs := vars
			if secret {
				kvs = secrets
			}
			if len(kvs) == 0 {
				return cmdutil.FlagErrorf("nothing to add: give %s or a file", flag)
			}
			var keys []string
			for _, kv := range kvs {
				var err error
				if secret {
					err = c.AddSpaceSecret(ctx, id, kv.Key, kv.Value, &hfhub.SpaceKeyOptions{Description: desc})
				} else {
					_, err = c.AddSpaceVariable(ctx, id, kv.Key, kv.Value, &hfhub.SpaceKeyOptions{Description: desc})
				}
				if err != nil {
					return err
				}
				keys = append(keys, kv.Key)
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(map[string]any{"space_id": id, "keys": keys}) // names only, never values
			}
			p.Line("Added %s to Space %s: %s", noun, id, strings.Join(keys, ", "))
			return nil
		}),
	}
	cmdutil.AddEnvFlags(add, &ef)
	other := []string{"secrets", "secrets-file"} // the flags of the other noun: hidden, refused
	if secret {
		other = []string{"env", "env-file"}
	}
	for _, n := range other {
		add.Flags().Lookup(n).Hidden = true
	}
	add.PreRunE = func(cmd *cobra.Command, _ []string) error {
		for _, n := range other {
			if cmd.Flags().Changed(n) {
				return cmdutil.FlagErrorf("--%s is for `hf spaces %s add`", n, map[bool]string{true: "variables", false: "secrets"}[secret])
			}
		}
		return nil
	}
	add.Flags().StringVar(&desc, "description", "", "description shown in the Space settings")
	var yes bool
	del := &cobra.Command{
		Use: "delete <space-id> <key>", Short: "Delete a " + strings.TrimSuffix(noun, "s") + " of a Space", Args: cobra.ExactArgs(2),
		Example: "  $ hf spaces " + noun + " delete acme/demo KEY --yes",
		RunE: func(cmd *cobra.Command, args []string) error {
			key := args[1]
			if err := hfhub.ValidateEnvName(key); err != nil {
				return cmdutil.FlagErrorf("%v", err)
			}
			return withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
				if err := cmdutil.Confirm(f.IO, yes, "Delete "+strings.TrimSuffix(noun, "s")+" "+key+" of Space "+id+"?"); err != nil {
					return err
				}
				var err error
				if secret {
					err = c.DeleteSpaceSecret(ctx, id, key)
				} else {
					_, err = c.DeleteSpaceVariable(ctx, id, key)
				}
				if err != nil {
					return err
				}
				p := f.Printer()
				if p.IsJSON() {
					return p.JSON(map[string]any{"space_id": id, "key": key, "deleted": true})
				}
				p.Line("Deleted %s from Space %s", key, id)
				return nil
			})(cmd, args)
		},
	}
	cmdutil.YesFlag(del, &yes)
	group.AddCommand(ls, add, del)
	return group
}

func timeOf(p *cmdutil.Printer, t *time.Time) string {
	if t == nil {
		return "-"
	}
	return p.Time(*t)
}
