package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/hfhub-go/hfhub/card"
)

// SplitInfo is what dataset_info says about a split.
type SplitInfo struct {
	Name        string `json:"name"`
	NumBytes    int64  `json:"num_bytes"`
	NumExamples int64  `json:"num_examples"`
}

// infoSet is an ordered config -> splits mapping.
type infoSet struct {
	names  []string
	splits map[string][]SplitInfo
}

func (s *infoSet) set(name string, splits []SplitInfo) {
	if s.splits == nil {
		s.splits = map[string][]SplitInfo{}
	}
	if _, ok := s.splits[name]; !ok {
		s.names = append(s.names, name)
	}
	s.splits[name] = splits
}

// parseDatasetInfos reads a legacy dataset_infos.json: an object of config
// name to DatasetInfo, whose "splits" is an object of split name to sizes.
// Key order is kept, as Python keeps it.
func parseDatasetInfos(b []byte) (infoSet, error) {
	var s infoSet
	keys, vals, err := orderedObject(b)
	if err != nil {
		return s, fmt.Errorf("dataset_infos.json: %w", err)
	}
	for i, name := range keys {
		var info struct {
			Splits json.RawMessage `json:"splits"`
		}
		if err := json.Unmarshal(vals[i], &info); err != nil {
			return s, fmt.Errorf("dataset_infos.json: config %q: %w", name, err)
		}
		var splits []SplitInfo
		if t := bytes.TrimSpace(info.Splits); len(t) > 0 && t[0] == '{' {
			sk, sv, err := orderedObject(t)
			if err != nil {
				return s, fmt.Errorf("dataset_infos.json: config %q splits: %w", name, err)
			}
			for j, sn := range sk {
				var si SplitInfo
				if err := json.Unmarshal(sv[j], &si); err != nil {
					return s, fmt.Errorf("dataset_infos.json: config %q split %q: %w", name, sn, err)
				}
				if si.Name == "" {
					si.Name = sn
				}
				splits = append(splits, si)
			}
		} else if len(t) > 0 && t[0] == '[' {
			if err := json.Unmarshal(t, &splits); err != nil {
				return s, fmt.Errorf("dataset_infos.json: config %q splits: %w", name, err)
			}
		}
		s.set(name, splits)
	}
	// One legacy config (often named "user--dataset") is the default one.
	if len(s.names) == 1 && s.names[0] != "default" {
		only := s.names[0]
		s.set("default", s.splits[only])
		delete(s.splits, only)
		s.names = []string{"default"}
	}
	return s, nil
}

// orderedObject splits a JSON object into its keys and raw values, in order.
func orderedObject(b []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("want a JSON object")
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, nil
}

// cardInfos returns the dataset_info of a card as an infoSet.
func cardInfos(d *card.DatasetData) infoSet {
	var s infoSet
	if d == nil {
		return s
	}
	for _, di := range d.DatasetInfo.Infos {
		name := di.ConfigName
		if name == "" {
			name = "default"
		}
		splits := make([]SplitInfo, 0, len(di.Splits))
		for _, sp := range di.Splits {
			splits = append(splits, SplitInfo{Name: sp.Name, NumBytes: sp.NumBytes, NumExamples: sp.NumExamples})
		}
		s.set(name, splits)
	}
	return s
}
