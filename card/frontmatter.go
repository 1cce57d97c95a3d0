package card

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// frontMatterRE matches a leading YAML block delimited by "---" lines, with
// the same rules as huggingface_hub's RepoCard.
var frontMatterRE = regexp.MustCompile(`^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))`)

// Split separates a README into its YAML front matter (without the "---"
// delimiters) and its body. ok is false when the README has no front
// matter, in which case body is the whole input.
func Split(readme []byte) (front, body []byte, ok bool) {
	m := frontMatterRE.FindSubmatchIndex(readme)
	if m == nil {
		return nil, readme, false
	}
	return readme[m[4]:m[5]], readme[m[1]:], true
}

// ErrNotMapping reports front matter that is valid YAML but not a mapping
// of keys to values.
var ErrNotMapping = errors.New("card metadata must be a YAML mapping of keys to values")

// Card is a parsed README: typed metadata Data and the Markdown Body.
// Use [ModelCard] or [DatasetCard]. The zero value is an empty card with no
// front matter. A Card is not safe for concurrent modification.
type Card[T any] struct {
	// Data is the front matter metadata.
	Data T
	// Body is everything after the front matter, byte for byte.
	Body string

	prefix   string // original "---\n...\n---\n", reused while Data is unchanged
	snapshot []byte // encoding of Data when parsed
}

// ModelCard is the card of a model repository.
type ModelCard = Card[ModelData]

// DatasetCard is the card of a dataset repository.
type DatasetCard = Card[DatasetData]

// ParseModel parses the README.md of a model repository.
func ParseModel(readme []byte) (*ModelCard, error) { return parse[ModelData](readme) }

// ParseDataset parses the README.md of a dataset repository.
func ParseDataset(readme []byte) (*DatasetCard, error) { return parse[DatasetData](readme) }

func parse[T any](readme []byte) (*Card[T], error) {
	c := &Card[T]{}
	front, body, ok := Split(readme)
	c.Body = string(body)
	if !ok {
		return c, nil
	}
	c.prefix = string(readme[:len(readme)-len(body)])
	if len(bytes.TrimSpace(front)) > 0 {
		var doc yaml.Node
		if err := yaml.Unmarshal(front, &doc); err != nil {
			return nil, fmt.Errorf("card: front matter is not valid YAML: %w", err)
		}
		if len(doc.Content) > 0 {
			n := doc.Content[0]
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				// "---\n~\n---": no metadata
			} else if n.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("card: %w (line %d)", ErrNotMapping, n.Line)
			} else if err := n.Decode(&c.Data); err != nil {
				return nil, fmt.Errorf("card: %w", err)
			}
		}
	}
	snap, err := encodeData(&c.Data)
	if err != nil {
		return nil, err
	}
	c.snapshot = snap
	return c, nil
}

// Render returns the README: front matter (omitted when the card has no
// metadata and had none) followed by the body. If Data is unchanged since
// parsing, the original front matter bytes are reused.
func (c *Card[T]) Render() ([]byte, error) {
	enc, err := encodeData(&c.Data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	switch {
	case c.prefix != "" && bytes.Equal(enc, c.snapshot):
		out.WriteString(c.prefix)
	case len(enc) == 0 && c.prefix == "":
		// no metadata: body only
	default:
		out.WriteString("---\n")
		out.Write(enc)
		out.WriteString("---\n")
	}
	out.WriteString(c.Body)
	return out.Bytes(), nil
}

// encodeData encodes metadata as YAML; an empty mapping encodes as nothing.
func encodeData(v any) ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("card: encoding metadata: %w", err)
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("card: encoding metadata: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("card: encoding metadata: %w", err)
	}
	return buf.Bytes(), nil
}
