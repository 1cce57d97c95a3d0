package dataset

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hfhub-go/hfhub/card"
	"go.yaml.in/yaml/v3"
)

// Input is what Resolve needs from a dataset repository at one revision.
type Input struct {
	// Files are the repository's file paths (a recursive tree listing),
	// relative to the root, with "/" separators.
	Files []string
	// Card is the metadata of README.md; nil when there is none.
	Card *card.DatasetData
	// RepoYAML is the content of .huggingface.yaml; nil when absent. Its
	// top-level keys override the card's.
	RepoYAML []byte
	// DatasetInfos is the content of the legacy dataset_infos.json; nil
	// when absent.
	DatasetInfos []byte
}

// Layout is the configs, splits and data files of a dataset.
// It is safe for concurrent reads.
type Layout struct {
	// Configs are the dataset's configs (subsets), in card order.
	Configs []*Config
	// Default is the config loaded when none is named; "" when the
	// dataset has several configs and none is the default.
	Default string
	// Loader is the packaged loader the datasets library picks from the
	// data file extensions ("csv", "json", "parquet", "text", "arrow",
	// "imagefolder", ...). It is "" when the data are .zip archives, whose
	// content decides.
	Loader string
	// LoaderArgs are arguments implied by the extension: {"sep": "\t"}
	// for .tsv files, {"comment_prefix": "#"} for .conllu.
	LoaderArgs map[string]string
}

// Config is one dataset config.
type Config struct {
	// Name is the config name ("default" when the card defines none).
	Name string
	// DataDir is the card's data_dir, "" when none.
	DataDir string
	// Params are the other keys of the card's config entry: builder
	// parameters such as sep or features.
	Params map[string]any
	// Splits are the config's splits, in order.
	Splits []Split
	// Err is set when the config's data files cannot be resolved (a
	// data_files entry naming a missing file); Splits is then empty.
	Err error
}

// Split is one split of a config.
type Split struct {
	// Name is the split name ("train", "validation", "test", ...).
	Name string
	// Files are the split's data files, repository paths (or URLs given
	// in data_files), in the order the datasets library reads them.
	Files []string
	// NumExamples and NumBytes come from dataset_info; -1 when unknown.
	NumExamples int64
	NumBytes    int64
}

// Resolve computes the layout of a dataset. It returns errors wrapping
// [ErrInvalidMetadata], [ErrEmptyDataset], [ErrNoSupportedFiles] or
// [ErrFileNotFound] where the datasets library fails to load the dataset.
func Resolve(in Input) (*Layout, error) {
	in.Files = slices.Clone(in.Files)
	slices.Sort(in.Files) // globbing lists files sorted, as fsspec does
	cfgs, err := metadataConfigs(in)
	if err != nil {
		return nil, err
	}
	infos := infoSet{}
	if in.DatasetInfos != nil {
		if infos, err = parseDatasetInfos(in.DatasetInfos); err != nil {
			return nil, err
		}
	}
	ci := cardInfos(effectiveCard(in))
	for _, n := range ci.names {
		infos.set(n, ci.splits[n])
	}

	// The loader is inferred from the first config's data_files, or from
	// the files at the root.
	var pats []splitPatterns
	if len(cfgs) > 0 && cfgs[0].DataFiles != nil {
		pats = sanitize(cfgs[0].DataFiles)
	} else if pats, err = inferPatterns(in.Files, ""); err != nil {
		return nil, err
	}
	resolved, err := resolveAll(in.Files, "", pats)
	if err != nil {
		return nil, err
	}
	key, err := loaderForSplits(resolved)
	if err != nil {
		return nil, err
	}
	l := &Layout{Loader: key.loader}
	if k, v, ok := strings.Cut(key.args, "="); ok {
		l.LoaderArgs = map[string]string{k: v}
	}

	if len(cfgs) == 0 {
		c := &Config{Name: "default"}
		for _, sf := range resolved {
			sf.files = filterForLoader(sf.files, key.loader)
			c.Splits = append(c.Splits, Split{Name: sf.split, Files: sf.files})
		}
		c.Splits = withInfo(c.Splits, infos, c.Name)
		l.Configs = []*Config{c}
		l.Default = c.Name
		return l, nil
	}

	defaultName := ""
	for _, mc := range cfgs {
		if len(cfgs) == 1 || mc.Name == "default" || mc.Default {
			if defaultName != "" {
				return nil, fmt.Errorf("%w: several default configs: %q and %q", ErrInvalidMetadata, defaultName, mc.Name)
			}
			defaultName = mc.Name
		}
		base := strings.Trim(mc.DataDir, "/")
		c := &Config{Name: mc.Name, DataDir: mc.DataDir, Params: mc.Extra}
		var p []splitPatterns
		if mc.DataFiles != nil {
			p = sanitize(mc.DataFiles)
		} else if p, err = inferPatterns(in.Files, base); err != nil {
			return nil, fmt.Errorf("config %q: %w", mc.Name, err)
		}
		sfs, err := resolveAll(in.Files, base, p)
		if err != nil {
			c.Err = fmt.Errorf("config %q: %w", mc.Name, err)
		}
		for _, sf := range sfs {
			c.Splits = append(c.Splits, Split{Name: sf.split, Files: sf.files})
		}
		if c.Err == nil {
			c.Splits = withInfo(c.Splits, infos, c.Name)
		}
		l.Configs = append(l.Configs, c)
	}
	if defaultName == "" && len(infos.names) == 1 && l.config(infos.names[0]) != nil {
		defaultName = infos.names[0]
	}
	l.Default = defaultName
	return l, nil
}

// withInfo orders and sizes splits by dataset_info when it lists them.
func withInfo(splits []Split, infos infoSet, config string) []Split {
	for i := range splits {
		splits[i].NumExamples, splits[i].NumBytes = -1, -1
	}
	list := infos.splits[config]
	if len(list) == 0 {
		return splits
	}
	out := make([]Split, 0, len(list))
	for _, si := range list {
		s := Split{Name: si.Name, NumExamples: si.NumExamples, NumBytes: si.NumBytes}
		if i := slices.IndexFunc(splits, func(x Split) bool { return x.Name == si.Name }); i >= 0 {
			s.Files = splits[i].Files
		}
		out = append(out, s)
	}
	return out
}

type splitFiles struct {
	split string
	files []string
}

func resolveAll(files []string, base string, pats []splitPatterns) ([]splitFiles, error) {
	out := make([]splitFiles, 0, len(pats))
	for _, sp := range pats {
		got, err := resolveSplit(files, base, sp.patterns)
		if err != nil {
			return out, err
		}
		out = append(out, splitFiles{split: sp.split, files: got})
	}
	return out, nil
}

// loaderForSplits infers one loader for every split, or fails as the
// datasets library does when splits disagree or nothing is loadable.
func loaderForSplits(sfs []splitFiles) (loaderKey, error) {
	var first loaderKey
	var firstOK bool
	for i, sf := range sfs {
		key, zip, ok := inferLoader(sf.files)
		if zip {
			key, ok = loaderKey{}, true
		}
		if i == 0 {
			first, firstOK = key, ok
			continue
		}
		if key != first || ok != firstOK {
			return loaderKey{}, fmt.Errorf("%w: splits %q and %q have data files of different formats", ErrInvalidMetadata, sfs[0].split, sf.split)
		}
	}
	if !firstOK {
		return loaderKey{}, ErrNoSupportedFiles
	}
	return first, nil
}

// sanitize turns card data_files into ordered split patterns.
func sanitize(df *card.DataFiles) []splitPatterns {
	out := make([]splitPatterns, 0, len(df.Splits))
	for _, s := range df.Splits {
		out = append(out, splitPatterns{split: s.Split, patterns: s.Paths})
	}
	return out
}

// effectiveCard is the card merged with .huggingface.yaml (top-level keys
// of the latter win); nil when there is neither.
func effectiveCard(in Input) *card.DatasetData {
	if len(in.RepoYAML) == 0 {
		return in.Card
	}
	var extra card.DatasetData
	var keys map[string]any
	if yaml.Unmarshal(in.RepoYAML, &keys) != nil || yaml.Unmarshal(in.RepoYAML, &extra) != nil || len(keys) == 0 {
		return in.Card
	}
	merged := card.DatasetData{}
	if in.Card != nil {
		merged = *in.Card
	}
	if _, ok := keys["configs"]; ok {
		merged.Configs = extra.Configs
		merged.Problems = slices.DeleteFunc(slices.Clone(merged.Problems), func(p *card.FieldError) bool { return p.Field == "configs" })
		if p := extra.Problem("configs"); p != nil {
			merged.Problems = append(merged.Problems, p)
		}
	}
	if _, ok := keys["dataset_info"]; ok {
		merged.DatasetInfo = extra.DatasetInfo
	}
	return &merged
}

// metadataConfigs validates and returns the card's configs, with later
// duplicates replacing earlier ones in place.
func metadataConfigs(in Input) ([]card.Config, error) {
	d := effectiveCard(in)
	if d == nil {
		return nil, nil
	}
	if p := d.Problem("configs"); p != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidMetadata, p)
	}
	var out []card.Config
	for _, c := range d.Configs {
		if c.Name == "" {
			return nil, fmt.Errorf("%w: every entry of configs needs a config_name", ErrInvalidMetadata)
		}
		if err := checkDataFiles(c); err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(out, func(x card.Config) bool { return x.Name == c.Name }); i >= 0 {
			out[i] = c
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func checkDataFiles(c card.Config) error {
	df := c.DataFiles
	if df == nil {
		return nil
	}
	if df.Form == card.DataFilesMapping {
		return fmt.Errorf("%w: config %q: data_files must be a string, a list of strings or a list of {split, path}, not a mapping", ErrInvalidMetadata, c.Name)
	}
	seen := map[string]bool{}
	for _, s := range df.Splits {
		if df.Form == card.DataFilesSplits && !splitNameRE.MatchString(s.Split) {
			return fmt.Errorf("%w: config %q: split name %q must be letters, digits and underscores (no dashes)", ErrInvalidMetadata, c.Name, s.Split)
		}
		if seen[s.Split] {
			return fmt.Errorf("%w: config %q: split %q is listed twice in data_files", ErrInvalidMetadata, c.Name, s.Split)
		}
		seen[s.Split] = true
	}
	return nil
}

func (l *Layout) config(name string) *Config {
	for _, c := range l.Configs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ConfigNames returns the config names in order.
func (l *Layout) ConfigNames() []string {
	out := make([]string, len(l.Configs))
	for i, c := range l.Configs {
		out[i] = c.Name
	}
	return out
}

// Config returns the named config; "" means the default config. It returns
// [ErrConfigNotFound], [ErrNoDefaultConfig], or the config's own error.
func (l *Layout) Config(name string) (*Config, error) {
	if name == "" {
		if l.Default == "" {
			return nil, fmt.Errorf("%w (configs: %s)", ErrNoDefaultConfig, strings.Join(l.ConfigNames(), ", "))
		}
		name = l.Default
	}
	c := l.config(name)
	if c == nil {
		return nil, fmt.Errorf("%w: %q (configs: %s)", ErrConfigNotFound, name, strings.Join(l.ConfigNames(), ", "))
	}
	if c.Err != nil {
		return c, c.Err
	}
	return c, nil
}

// Splits returns the splits of a config ("" for the default).
func (l *Layout) Splits(config string) ([]Split, error) {
	c, err := l.Config(config)
	if err != nil {
		return nil, err
	}
	return c.Splits, nil
}

// Files returns the data files of one split of a config ("" for the
// default config). It returns [ErrSplitNotFound] for an unknown split.
func (l *Layout) Files(config, split string) ([]string, error) {
	c, err := l.Config(config)
	if err != nil {
		return nil, err
	}
	for _, s := range c.Splits {
		if s.Name == split {
			return s.Files, nil
		}
	}
	names := make([]string, len(c.Splits))
	for i, s := range c.Splits {
		names[i] = s.Name
	}
	return nil, fmt.Errorf("%w: %q in config %q (splits: %s)", ErrSplitNotFound, split, c.Name, strings.Join(names, ", "))
}

// IsNotFound reports whether err says a config, split or file is missing.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrConfigNotFound) || errors.Is(err, ErrSplitNotFound) || errors.Is(err, ErrFileNotFound)
}
