package dataset

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// splitPatterns is the ordered split -> patterns mapping of the datasets
// library.
type splitPatterns struct {
	split    string
	patterns []string
}

const shardedPattern = "data/{split}-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*"

// shardSplitRE extracts the split from a shard's base name, built like the
// datasets library's string_to_dict (glob characters read as a regexp).
var shardSplitRE = regexp.MustCompile(`(.+)-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*`)

// splitNameRE is the datasets library's _split_re, with Unicode word
// characters as in Python.
var splitNameRE = regexp.MustCompile(`^[\p{L}\p{N}_]+(\.[\p{L}\p{N}_]+)*$`)

var defaultSplits = []string{"train", "validation", "test"}

var splitKeywords = map[string][]string{
	"train":      {"train", "training"},
	"validation": {"validation", "valid", "dev", "val"},
	"test":       {"test", "testing", "eval", "evaluation"},
}

const sepChars = "-._ 0-9"

var (
	keywordInFileName = []string{"**/{keyword}[{sep}]*", "**/*[{sep}]{keyword}[{sep}]*"}
	keywordInDirName  = []string{"**/{keyword}/**", "**/{keyword}[{sep}]*/**", "**/*[{sep}]{keyword}/**", "**/*[{sep}]{keyword}[{sep}]*/**"}
)

func keywordPatterns(bases []string) []splitPatterns {
	var out []splitPatterns
	for _, split := range defaultSplits {
		sp := splitPatterns{split: split}
		for _, kw := range splitKeywords[split] {
			for _, b := range bases {
				sp.patterns = append(sp.patterns, strings.NewReplacer("{keyword}", kw, "{sep}", sepChars).Replace(b))
			}
		}
		out = append(out, sp)
	}
	return out
}

// defaultPatternSets are tried in order after the sharded layout; the first
// with a match in any split wins.
var defaultPatternSets = [][]splitPatterns{
	{{split: "logs", patterns: []string{"**/*.eval"}}},
	keywordPatterns(keywordInDirName),
	keywordPatterns(keywordInFileName),
	{{split: "train", patterns: []string{"**"}}},
}

func join(base, p string) string {
	if base == "" {
		return p
	}
	return base + "/" + p
}

// inferPatterns returns the split patterns for files under base, like the
// datasets library's get_data_patterns. Every non-ignored file counts,
// whatever its extension.
func inferPatterns(files []string, base string) ([]splitPatterns, error) {
	resolve := func(p string) ([]string, error) { return match(files, join(base, p), nil) }
	shards, err := resolve(strings.ReplaceAll(shardedPattern, "{split}", "*"))
	if err != nil {
		return nil, err
	}
	if len(shards) > 0 {
		seen := map[string]bool{}
		for _, f := range shards {
			m := shardSplitRE.FindStringSubmatch(path.Base(f))
			if m == nil {
				continue
			}
			if !splitNameRE.MatchString(m[1]) {
				return nil, fmt.Errorf("%w: split name %q (from %s) must be letters, digits and underscores, optionally dot-separated", ErrInvalidMetadata, m[1], f)
			}
			seen[m[1]] = true
		}
		var splits []string
		for _, s := range defaultSplits {
			if seen[s] {
				splits = append(splits, s)
				delete(seen, s)
			}
		}
		var others []string
		for s := range seen {
			others = append(others, s)
		}
		sort.Strings(others)
		var out []splitPatterns
		for _, s := range append(splits, others...) {
			out = append(out, splitPatterns{split: s, patterns: []string{strings.ReplaceAll(shardedPattern, "{split}", s)}})
		}
		return out, nil
	}
	for _, set := range defaultPatternSets {
		var out []splitPatterns
		for _, sp := range set {
			for _, p := range sp.patterns {
				got, err := resolve(p)
				if err != nil {
					return nil, err
				}
				if len(got) > 0 {
					out = append(out, sp)
					break
				}
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	where := "the repository"
	if base != "" {
		where = base + "/"
	}
	return nil, fmt.Errorf("%w: %s contains no data files", ErrEmptyDataset, where)
}

// resolveSplit lists the files of one split's patterns under base.
func resolveSplit(files []string, base string, patterns []string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		if strings.Contains(p, "://") {
			out = append(out, p) // a URL: not a file of this repository
			continue
		}
		got, err := match(files, join(base, p), allAllowedExtensions)
		if err != nil {
			return nil, err
		}
		if len(got) == 0 && !hasMagic(p) {
			return nil, fmt.Errorf("%w: %q matches no file with a supported extension", ErrFileNotFound, join(base, p))
		}
		out = append(out, got...)
	}
	return out, nil
}

// loaderKey is a loader and the arguments an extension implies.
type loaderKey struct {
	loader string
	args   string // "sep=\t" for .tsv, "comment_prefix=#" for .conllu
}

func extensionLoader(ext string) loaderKey {
	switch ext {
	case ".tsv":
		return loaderKey{"csv", "sep=\t"}
	case ".conllu":
		return loaderKey{"conll", "comment_prefix=#"}
	}
	return loaderKey{loader: extensionToLoader[ext]}
}

// inferLoader picks the loader of a list of files by their most common
// extension, like the datasets library's infer_module_for_data_files_list.
// zip reports that the winner is a .zip archive, whose content decides.
func inferLoader(files []string) (key loaderKey, zip, ok bool) {
	type extKey struct {
		ext  string
		meta bool
	}
	counts := map[extKey]int{}
	for _, f := range files {
		name := path.Base(f)
		parts := strings.Split(name, ".")
		for _, s := range parts[1:] {
			counts[extKey{"." + strings.ToLower(s), allMetadataFileNames[name]}]++
		}
	}
	keys := make([]extKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	rank := func(k extKey) []int {
		b := func(v bool) int {
			if v {
				return 1
			}
			return 0
		}
		return []int{b(!k.meta), counts[k], b(k.ext == ".parquet"), b(k.ext == ".lance"), b(k.ext == ".arrow"),
			b(k.ext == ".jsonl"), b(k.ext == ".json"), b(k.ext == ".csv")}
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		for n := range ri {
			if ri[n] != rj[n] {
				return ri[n] > rj[n]
			}
		}
		return keys[i].ext > keys[j].ext // Python sorts the whole key in reverse
	})
	for _, k := range keys {
		if _, known := extensionToLoader[k.ext]; known {
			return extensionLoader(k.ext), false, true
		}
		if k.ext == ".zip" {
			return loaderKey{}, true, true
		}
	}
	return loaderKey{}, false, false
}

// filterForLoader keeps the files a loader reads, with the regular
// expressions of the datasets library's DataFilesList.filter.
func filterForLoader(files []string, loader string) []string {
	var exts, names []string
	for _, e := range loaderExtensions(loader) {
		exts = append(exts, regexp.QuoteMeta(e))
	}
	for _, n := range loaderMetadataFiles[loader] {
		names = append(names, regexp.QuoteMeta(n))
	}
	sort.Strings(exts)
	extRE := regexp.MustCompile(`^.*(` + strings.Join(exts, "|") + `)(\..+)?$`)
	var nameRE *regexp.Regexp
	if len(names) > 0 {
		nameRE = regexp.MustCompile(`^.*[/]?(` + strings.Join(names, "|") + `)$`)
	}
	var out []string
	for _, f := range files {
		if extRE.MatchString(f) || (nameRE != nil && nameRE.MatchString(f)) {
			out = append(out, f)
		}
	}
	return out
}
