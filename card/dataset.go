package card

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// DatasetData is the metadata of a dataset card. Field names follow the
// Hub's dataset card specification; see
// https://huggingface.co/docs/hub/datasets-cards. The zero value is empty
// metadata.
type DatasetData struct {
	PrettyName          string
	Language            StringList
	License             StringList
	LicenseName         string
	LicenseLink         string
	AnnotationsCreators StringList
	LanguageCreators    StringList
	Multilinguality     StringList
	SizeCategories      StringList
	SourceDatasets      StringList
	TaskCategories      StringList
	TaskIDs             StringList
	PapersWithCodeID    string
	Tags                StringList
	// Configs is the "configs" key: the dataset's subsets and their data
	// files, read by the datasets library and the dataset viewer.
	Configs []Config
	// DatasetInfo is the "dataset_info" key: features and split sizes per
	// config.
	DatasetInfo DatasetInfos
	Extras
}

func (d *DatasetData) fields() []field {
	return []field{
		{key: "pretty_name", ptr: &d.PrettyName},
		{key: "language", ptr: &d.Language},
		{key: "license", ptr: &d.License},
		{key: "license_name", ptr: &d.LicenseName},
		{key: "license_link", ptr: &d.LicenseLink},
		{key: "annotations_creators", ptr: &d.AnnotationsCreators},
		{key: "language_creators", ptr: &d.LanguageCreators},
		{key: "multilinguality", ptr: &d.Multilinguality},
		{key: "size_categories", ptr: &d.SizeCategories},
		{key: "source_datasets", ptr: &d.SourceDatasets},
		{key: "task_categories", ptr: &d.TaskCategories},
		{key: "task_ids", ptr: &d.TaskIDs},
		{key: "paperswithcode_id", ptr: &d.PapersWithCodeID},
		{key: "tags", ptr: &d.Tags},
		{key: "configs", ptr: &d.Configs},
		{key: "dataset_info", ptr: &d.DatasetInfo},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *DatasetData) UnmarshalYAML(n *yaml.Node) error {
	return decodeMapping(n, d.fields(), &d.Extras)
}

// MarshalYAML implements yaml.Marshaler.
func (d DatasetData) MarshalYAML() (any, error) { return encodeMapping(d.fields(), &d.Extras) }

// Problem returns the problem recorded for key, or nil.
func (x *Extras) Problem(key string) *FieldError {
	for _, p := range x.Problems {
		if p.Field == key {
			return p
		}
	}
	return nil
}

// Config is one entry of a dataset card's "configs" list.
type Config struct {
	// Name is "config_name", required.
	Name string
	// Default marks the config loaded when none is named.
	Default bool
	// DataDir is the directory that data file patterns are relative to.
	DataDir string
	// DataFiles is nil when the config has no data_files key; then the
	// files are inferred under DataDir.
	DataFiles *DataFiles
	// Extras holds builder parameters (sep, features, ...).
	Extras
}

func (c *Config) fields() []field {
	return []field{
		{key: "config_name", ptr: &c.Name},
		{key: "default", ptr: &c.Default},
		{key: "data_dir", ptr: &c.DataDir},
		{key: "data_files", ptr: &c.DataFiles},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	if err := decodeMapping(n, c.fields(), &c.Extras); err != nil {
		return err
	}
	// A wrongly shaped data_files is an error of the whole config: the
	// datasets library refuses the card.
	if p := c.Problem("data_files"); p != nil {
		return p
	}
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (c Config) MarshalYAML() (any, error) { return encodeMapping(c.fields(), &c.Extras) }

// DataFilesForm is how data_files was written.
type DataFilesForm int

// The forms of data_files.
const (
	// DataFilesString is one pattern: data_files: data/*.csv (split train).
	DataFilesString DataFilesForm = iota
	// DataFilesList is a list of patterns, all of split train.
	DataFilesList
	// DataFilesSplits is a list of {split, path} mappings.
	DataFilesSplits
	// DataFilesMapping is a mapping of split to patterns. The datasets
	// library accepts it as an argument but refuses it in a card.
	DataFilesMapping
)

// DataFiles is a config's data_files: patterns per split.
type DataFiles struct {
	// Form is how the value was written, and how it is written back.
	Form DataFilesForm
	// Splits lists the patterns of each split, in order.
	Splits []SplitFiles
}

// SplitFiles holds the data file patterns of one split.
type SplitFiles struct {
	Split string
	// Paths are glob patterns relative to the repository root (or the
	// config's data_dir).
	Paths []string
	// Scalar records that "path" was written as a single string.
	Scalar bool
}

// UnmarshalYAML accepts every form of data_files.
func (f *DataFiles) UnmarshalYAML(n *yaml.Node) error {
	if err := checkStrings(n); err != nil {
		return err
	}
	switch n.Kind {
	case yaml.ScalarNode:
		*f = DataFiles{Form: DataFilesString, Splits: []SplitFiles{{Split: "train", Paths: []string{n.Value}, Scalar: true}}}
		return nil
	case yaml.SequenceNode:
		var hasMap bool
		for _, it := range n.Content {
			hasMap = hasMap || it.Kind == yaml.MappingNode
		}
		if !hasMap {
			var paths StringList
			if err := paths.UnmarshalYAML(n); err != nil {
				return err
			}
			*f = DataFiles{Form: DataFilesList, Splits: []SplitFiles{{Split: "train", Paths: paths}}}
			return nil
		}
		out := DataFiles{Form: DataFilesSplits}
		for _, it := range n.Content {
			sf, err := splitEntry(it)
			if err != nil {
				return err
			}
			out.Splits = append(out.Splits, sf)
		}
		*f = out
		return nil
	case yaml.MappingNode:
		out := DataFiles{Form: DataFilesMapping}
		for i := 0; i+1 < len(n.Content); i += 2 {
			var paths StringList
			if err := paths.UnmarshalYAML(n.Content[i+1]); err != nil {
				return err
			}
			out.Splits = append(out.Splits, SplitFiles{Split: n.Content[i].Value, Paths: paths, Scalar: n.Content[i+1].Kind == yaml.ScalarNode})
		}
		*f = out
		return nil
	}
	return dataFilesError(n)
}

// checkStrings refuses scalars that are not strings (data_files: 3) in a
// data_files value, as the datasets library does.
func checkStrings(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag != "!!str" {
			return dataFilesError(n)
		}
	case yaml.SequenceNode, yaml.MappingNode:
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				continue
			}
			if err := checkStrings(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func dataFilesError(n *yaml.Node) error {
	return fmt.Errorf("line %d: data_files must be a string, a list of strings, or a list of {split, path} mappings", n.Line)
}

func splitEntry(n *yaml.Node) (SplitFiles, error) {
	if n.Kind != yaml.MappingNode || len(n.Content) != 4 {
		return SplitFiles{}, dataFilesError(n)
	}
	var sf SplitFiles
	var haveSplit, havePath bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch k {
		case "split":
			if v.Kind != yaml.ScalarNode {
				return SplitFiles{}, dataFilesError(v)
			}
			sf.Split, haveSplit = v.Value, true
		case "path":
			var paths StringList
			if err := paths.UnmarshalYAML(v); err != nil {
				return SplitFiles{}, err
			}
			sf.Paths, sf.Scalar, havePath = paths, v.Kind == yaml.ScalarNode, true
		}
	}
	if !haveSplit || !havePath {
		return SplitFiles{}, dataFilesError(n)
	}
	return sf, nil
}

// MarshalYAML writes data_files back in its Form.
func (f DataFiles) MarshalYAML() (any, error) {
	paths := func(sf SplitFiles) any {
		if sf.Scalar && len(sf.Paths) == 1 {
			return sf.Paths[0]
		}
		return []string(sf.Paths)
	}
	switch f.Form {
	case DataFilesString, DataFilesList:
		var all []string
		for _, s := range f.Splits {
			all = append(all, s.Paths...)
		}
		if f.Form == DataFilesString && len(all) == 1 {
			return all[0], nil
		}
		return all, nil
	case DataFilesMapping:
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, s := range f.Splits {
			var v yaml.Node
			if err := v.Encode(paths(s)); err != nil {
				return nil, err
			}
			m.Content = append(m.Content, keyNode(s.Split), &v)
		}
		return m, nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range f.Splits {
		var v yaml.Node
		if err := v.Encode(paths(s)); err != nil {
			return nil, err
		}
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			keyNode("split"), {Kind: yaml.ScalarNode, Tag: "!!str", Value: s.Split}, keyNode("path"), &v,
		}})
	}
	return seq, nil
}

// DatasetInfos is the "dataset_info" key: a single mapping (one config) or
// a list of mappings, one per config.
type DatasetInfos struct {
	// Infos are the entries in order.
	Infos []DatasetInfo
	// Single records that dataset_info was one mapping rather than a list.
	Single bool
}

// UnmarshalYAML accepts a mapping or a list of mappings.
func (d *DatasetInfos) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		var di DatasetInfo
		if err := n.Decode(&di); err != nil {
			return err
		}
		*d = DatasetInfos{Infos: []DatasetInfo{di}, Single: true}
		return nil
	case yaml.SequenceNode:
		var list []DatasetInfo
		if err := n.Decode(&list); err != nil {
			return err
		}
		*d = DatasetInfos{Infos: list}
		return nil
	}
	return fmt.Errorf("line %d: dataset_info must be a mapping or a list of mappings", n.Line)
}

// MarshalYAML writes a single mapping or a list, as parsed.
func (d DatasetInfos) MarshalYAML() (any, error) {
	if d.Single && len(d.Infos) == 1 {
		return d.Infos[0], nil
	}
	return d.Infos, nil
}

// IsZero reports whether there is no dataset_info.
func (d DatasetInfos) IsZero() bool { return len(d.Infos) == 0 }

// ByConfig returns the info of a config ("default" when an entry has no
// config_name), as the datasets library reads it.
func (d DatasetInfos) ByConfig(config string) (DatasetInfo, bool) {
	for _, di := range d.Infos {
		name := di.ConfigName
		if name == "" {
			name = "default"
		}
		if name == config {
			return di, true
		}
	}
	return DatasetInfo{}, false
}

// DatasetInfo describes one config: features, splits and sizes.
type DatasetInfo struct {
	ConfigName string
	// Features is the features schema, as written (a list of {name, dtype}
	// mappings in cards).
	Features any
	// Splits lists the splits with their sizes, in order.
	Splits       []SplitInfo
	DownloadSize int64
	DatasetSize  int64
	Extras
}

func (d *DatasetInfo) fields() []field {
	return []field{
		{key: "config_name", ptr: &d.ConfigName},
		{key: "features", ptr: &d.Features},
		{key: "splits", ptr: (*splitInfos)(&d.Splits)},
		{key: "download_size", ptr: &d.DownloadSize},
		{key: "dataset_size", ptr: &d.DatasetSize},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *DatasetInfo) UnmarshalYAML(n *yaml.Node) error {
	return decodeMapping(n, d.fields(), &d.Extras)
}

// MarshalYAML implements yaml.Marshaler.
func (d DatasetInfo) MarshalYAML() (any, error) { return encodeMapping(d.fields(), &d.Extras) }

// SplitInfo is the size of one split.
type SplitInfo struct {
	Name        string
	NumBytes    int64
	NumExamples int64
	Extras
}

func (s *SplitInfo) fields() []field {
	return []field{
		{key: "name", ptr: &s.Name},
		{key: "num_bytes", ptr: &s.NumBytes, keepZero: true},
		{key: "num_examples", ptr: &s.NumExamples, keepZero: true},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *SplitInfo) UnmarshalYAML(n *yaml.Node) error {
	return decodeMapping(n, s.fields(), &s.Extras)
}

// MarshalYAML implements yaml.Marshaler.
func (s SplitInfo) MarshalYAML() (any, error) { return encodeMapping(s.fields(), &s.Extras) }

// splitInfos decodes splits written as a list of {name, ...} or as a
// mapping of name to {...} (the JSON form of dataset_infos.json).
type splitInfos []SplitInfo

func (s *splitInfos) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		var list []SplitInfo
		if err := n.Decode(&list); err != nil {
			return err
		}
		*s = list
		return nil
	case yaml.MappingNode:
		var out []SplitInfo
		for i := 0; i+1 < len(n.Content); i += 2 {
			var si SplitInfo
			if err := n.Content[i+1].Decode(&si); err != nil {
				return err
			}
			if si.Name == "" {
				si.Name = n.Content[i].Value
			}
			out = append(out, si)
		}
		*s = out
		return nil
	}
	return fmt.Errorf("line %d: splits must be a list or a mapping", n.Line)
}
