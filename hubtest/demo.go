package hubtest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Ids of the demo repositories made by [DemoRepos].
const (
	DemoModelID   = "hfhub/demo-model"
	DemoDatasetID = "hfhub/demo-dataset"
)

// DemoRepos returns the content `hf demo` serves, generated
// deterministically (same bytes on every call and machine):
//
//   - model hfhub/demo-model: config.json, model.safetensors (about 4 MiB,
//     stored as LFS, F32 and F16 tensors with a valid header),
//     tokenizer.json, tokenizer_config.json, vocab.txt and a README.md
//     model card with YAML front matter;
//   - dataset hfhub/demo-dataset: a README.md card with `configs:` and
//     train/test splits as CSV and JSON Lines under data/.
func DemoRepos() []Repo {
	return []Repo{
		{Type: "model", ID: DemoModelID, Files: demoModelFiles()},
		{Type: "dataset", ID: DemoDatasetID, Files: demoDatasetFiles()},
	}
}

// WithDemoRepos seeds the repositories of [DemoRepos].
func WithDemoRepos() Option {
	return func(o *options) { o.repos = append(o.repos, DemoRepos()...) }
}

const (
	demoVocab  = 1000
	demoHidden = 512
)

func demoVocabulary() []string {
	words := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
	syll := []string{"ba", "ko", "ri", "te", "mu", "sa", "lo", "ne", "vi", "du"}
	for i := 0; len(words) < demoVocab; i++ {
		w := syll[i%10] + syll[(i/10)%10]
		if i >= 100 {
			w += syll[(i/100)%10]
		}
		words = append(words, w)
	}
	return words
}

func demoModelFiles() map[string][]byte {
	vocab := demoVocabulary()
	config := map[string]any{
		"architectures":     []string{"DemoForCausalLM"},
		"model_type":        "demo",
		"hidden_size":       demoHidden,
		"vocab_size":        demoVocab,
		"num_hidden_layers": 1,
		"torch_dtype":       "float32",
	}
	vocabMap := map[string]int{}
	for i, w := range vocab {
		vocabMap[w] = i
	}
	tokenizer := map[string]any{
		"version":        "1.0",
		"truncation":     nil,
		"padding":        nil,
		"added_tokens":   []any{},
		"normalizer":     map[string]any{"type": "Lowercase"},
		"pre_tokenizer":  map[string]any{"type": "Whitespace"},
		"post_processor": nil,
		"decoder":        nil,
		"model":          map[string]any{"type": "WordLevel", "vocab": vocabMap, "unk_token": "[UNK]"},
	}
	tokConfig := map[string]any{
		"tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "[UNK]", "pad_token": "[PAD]",
		"cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]", "model_max_length": 512,
	}
	readme := `---
license: apache-2.0
language: en
library_name: transformers
pipeline_tag: text-generation
tags:
- demo
- hfhub
---

# Demo model

A tiny generated model served by ` + "`hf demo`" + ` and by hfhub's test hub. Its weights
are deterministic noise: it is for trying downloads, not for predictions.

| tensor | dtype | shape |
|---|---|---|
| embed.weight | F32 | [1000, 512] |
| layer.0.weight | F32 | [512, 512] |
| layer.0.bias | F32 | [512] |
| lm_head.weight | F16 | [1000, 512] |
`
	return map[string][]byte{
		"config.json":           mustJSON(config),
		"model.safetensors":     demoSafetensors(),
		"tokenizer.json":        mustJSON(tokenizer),
		"tokenizer_config.json": mustJSON(tokConfig),
		"vocab.txt":             []byte(strings.Join(vocab, "\n") + "\n"),
		"README.md":             []byte(readme),
	}
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // only called on literal maps of plain values
	}
	return append(b, '\n')
}

// demoSafetensors writes a valid safetensors file of about 4 MiB.
func demoSafetensors() []byte {
	type tensor struct {
		name  string
		dtype string
		shape []int
	}
	tensors := []tensor{
		{"embed.weight", "F32", []int{demoVocab, demoHidden}},
		{"layer.0.bias", "F32", []int{demoHidden}},
		{"layer.0.weight", "F32", []int{demoHidden, demoHidden}},
		{"lm_head.weight", "F16", []int{demoVocab, demoHidden}},
	}
	var data bytes.Buffer
	var header strings.Builder
	header.WriteString(`{"__metadata__":{"format":"pt"}`)
	rng := uint64(0x9E3779B97F4A7C15)
	next := func() float32 { // xorshift64*: deterministic noise in [-0.05, 0.05)
		rng ^= rng >> 12
		rng ^= rng << 25
		rng ^= rng >> 27
		v := rng * 2685821657736338717
		return (float32(v>>40)/float32(1<<24) - 0.5) / 10
	}
	for _, t := range tensors {
		n := 1
		for _, d := range t.shape {
			n *= d
		}
		start := data.Len()
		for i := 0; i < n; i++ {
			f := next()
			if t.dtype == "F16" {
				binary.Write(&data, binary.LittleEndian, float16bits(f))
			} else {
				binary.Write(&data, binary.LittleEndian, math.Float32bits(f))
			}
		}
		shape, _ := json.Marshal(t.shape)
		fmt.Fprintf(&header, `,%q:{"dtype":%q,"shape":%s,"data_offsets":[%d,%d]}`, t.name, t.dtype, shape, start, data.Len())
	}
	header.WriteString("}")
	h := header.String()
	for len(h)%8 != 0 {
		h += " "
	}
	var out bytes.Buffer
	binary.Write(&out, binary.LittleEndian, uint64(len(h)))
	out.WriteString(h)
	out.Write(data.Bytes())
	return out.Bytes()
}

// float16bits converts a small float32 to IEEE 754 half precision
// (round toward zero; subnormals flushed to zero).
func float16bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int((b>>23)&0xff) - 127 + 15
	mant := uint16((b >> 13) & 0x3ff)
	switch {
	case exp <= 0:
		return sign
	case exp >= 31:
		return sign | 0x7c00
	}
	return sign | uint16(exp)<<10 | mant
}

func demoDatasetFiles() map[string][]byte {
	readme := `---
license: cc0-1.0
language: en
task_categories:
- text-classification
pretty_name: hfhub demo dataset
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.csv
  - split: test
    path: data/test.csv
- config_name: jsonl
  data_files:
  - split: train
    path: data/train.jsonl
  - split: test
    path: data/test.jsonl
---

# Demo dataset

Short generated sentences with a sentiment label, in two formats: CSV
(config ` + "`default`" + `) and JSON Lines (config ` + "`jsonl`" + `).
`
	subjects := []string{"the cat", "a robot", "my neighbour", "the river", "our team", "this book"}
	verbs := []string{"likes", "hates", "watches", "paints", "follows", "ignores"}
	objects := []string{"the rain", "old songs", "green apples", "long walks", "the moon", "loud trains"}
	gen := func(n, offset int) (csv, jsonl []byte) {
		var c, j bytes.Buffer
		c.WriteString("id,text,label\n")
		for i := 0; i < n; i++ {
			k := i + offset
			text := subjects[k%6] + " " + verbs[(k/6)%6] + " " + objects[(k/36+k)%6]
			label := 0
			if verbs[(k/6)%6] != "hates" && verbs[(k/6)%6] != "ignores" {
				label = 1
			}
			fmt.Fprintf(&c, "%d,%s,%d\n", k, text, label)
			line, _ := json.Marshal(map[string]any{"id": k, "text": text, "label": label})
			j.Write(line)
			j.WriteByte('\n')
		}
		return c.Bytes(), j.Bytes()
	}
	trainCSV, trainJSONL := gen(80, 0)
	testCSV, testJSONL := gen(20, 80)
	return map[string][]byte{
		"README.md":        []byte(readme),
		"data/train.csv":   trainCSV,
		"data/test.csv":    testCSV,
		"data/train.jsonl": trainJSONL,
		"data/test.jsonl":  testJSONL,
	}
}
