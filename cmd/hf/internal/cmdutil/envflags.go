package cmdutil

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hfuri"
)

// EnvFlags are the -e/--env, --env-file, -s/--secrets and --secrets-file
// flags of commands that configure a Space or a Job, as the Python CLI
// spells them.
type EnvFlags struct {
	Env, Secrets         []string
	EnvFile, SecretsFile string
}

// AddEnvFlags adds the [EnvFlags] to cmd.
func AddEnvFlags(cmd *cobra.Command, e *EnvFlags) {
	fl := cmd.Flags()
	fl.StringArrayVarP(&e.Env, "env", "e", nil, "environment variable `KEY=VALUE` (KEY alone: from your environment; repeatable)")
	fl.StringVar(&e.EnvFile, "env-file", "", "read environment variables from a dotenv `file`")
	fl.StringArrayVarP(&e.Secrets, "secrets", "s", nil, "secret `KEY=VALUE` (KEY alone: from your environment, HF_TOKEN: your token; repeatable)")
	fl.StringVar(&e.SecretsFile, "secrets-file", "", "read secrets from a dotenv `file`")
}

// Parse returns the variables and the secrets, each in the order given
// (a file first, then the flags; a later KEY replaces an earlier one).
// getenv reads the environment for bare KEYs; token is the user's token,
// which a bare HF_TOKEN takes when the environment has none.
func (e *EnvFlags) Parse(getenv func(string) string, token string) (vars, secrets []hfhub.SpaceKeyValue, err error) {
	env := func(k string) (string, bool) {
		if v := getenv(k); v != "" {
			return v, true
		}
		if k == "HF_TOKEN" && token != "" {
			return token, true
		}
		return "", false
	}
	if vars, err = parseEnvSources(e.EnvFile, e.Env, env, "--env"); err != nil {
		return nil, nil, err
	}
	secrets, err = parseEnvSources(e.SecretsFile, e.Secrets, env, "--secrets")
	return vars, secrets, err
}

func parseEnvSources(file string, values []string, env func(string) (string, bool), flag string) ([]hfhub.SpaceKeyValue, error) {
	var out []hfhub.SpaceKeyValue
	set := func(k, v string) {
		if i := slices.IndexFunc(out, func(kv hfhub.SpaceKeyValue) bool { return kv.Key == k }); i >= 0 {
			out[i].Value = v
			return
		}
		out = append(out, hfhub.SpaceKeyValue{Key: k, Value: v})
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, FlagErrorf("%s-file: %w", flag, err)
		}
		kvs, err := ParseDotenv(string(b), env)
		if err != nil {
			return nil, FlagErrorf("%s-file %s: %w", flag, file, err)
		}
		for _, kv := range kvs {
			set(kv.Key, kv.Value)
		}
	}
	for _, v := range values {
		kvs, err := ParseDotenv(v, env)
		if err != nil {
			return nil, FlagErrorf("%s %q: %w", flag, v, err)
		}
		for _, kv := range kvs {
			set(kv.Key, kv.Value)
		}
	}
	return out, nil
}

var dotenvLine = regexp.MustCompile(`^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(=)?\s*(.*)$`)

// ParseDotenv reads dotenv text: KEY=VALUE lines, "export " allowed,
// '#' comments and blank lines skipped, values in single or double quotes
// (double quotes understand \n, \t, \" and \\), and a bare KEY taken from
// env (skipped when env has none). A line that is none of these is an
// error naming it.
func ParseDotenv(text string, env func(string) (string, bool)) ([]hfhub.SpaceKeyValue, error) {
	var out []hfhub.SpaceKeyValue
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := dotenvLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d: %q is not KEY=VALUE", n+1, line)
		}
		key, hasEq, val := m[1], m[2] != "", strings.TrimSpace(m[3])
		if !hasEq {
			if val != "" && !strings.HasPrefix(val, "#") {
				return nil, fmt.Errorf("line %d: %q is not KEY=VALUE", n+1, line)
			}
			if v, ok := env(key); ok {
				out = append(out, hfhub.SpaceKeyValue{Key: key, Value: v})
			}
			continue
		}
		switch {
		case len(val) >= 2 && val[0] == '"' && strings.LastIndexByte(val, '"') > 0:
			end := strings.LastIndexByte(val, '"')
			val = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\r`, "\r", `\"`, `"`, `\\`, `\`).Replace(val[1:end])
		case len(val) >= 2 && val[0] == '\'' && strings.LastIndexByte(val, '\'') > 0:
			end := strings.LastIndexByte(val, '\'')
			val = strings.ReplaceAll(val[1:end], `\'`, "'")
		default:
			if i := strings.Index(val, " #"); i >= 0 {
				val = strings.TrimSpace(val[:i])
			} else if strings.HasPrefix(val, "#") {
				val = ""
			}
		}
		out = append(out, hfhub.SpaceKeyValue{Key: key, Value: val})
	}
	return out, nil
}

// VolumeFlag adds -v/--volume (repeatable hf:// mounts) to cmd.
func VolumeFlag(cmd *cobra.Command, dst *[]string) {
	cmd.Flags().StringArrayVarP(dst, "volume", "v", nil,
		"mount `hf://[TYPE/]NS/NAME[/PATH]:/MOUNT[:ro|:rw]` (repos read-only, buckets read-write; repeatable)")
}

// ParseVolumes reads -v/--volume values with the one hf:// parser
// ([hfuri.ParseMount]); a bad one is a usage error.
func ParseVolumes(specs []string) ([]hfhub.Volume, error) {
	var out []hfhub.Volume
	for _, s := range specs {
		m, err := hfuri.ParseMount(s)
		if err != nil {
			return nil, FlagErrorf("--volume: %w", err)
		}
		v := hfhub.Volume{Source: m.Source.ID, MountPath: m.Path, Revision: m.Source.Revision, Path: m.Source.Path, ReadOnly: m.ReadOnly}
		v.Type = string(m.Source.RepoType)
		if m.Source.IsBucket() {
			v.Type = "bucket"
		}
		if err := v.Validate(); err != nil {
			return nil, FlagErrorf("--volume %q: %w", s, err)
		}
		out = append(out, v)
	}
	return out, nil
}
