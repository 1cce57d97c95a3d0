// Package card reads and writes Hugging Face repository cards: the README.md
// of a model or dataset repository, made of YAML front matter (the
// metadata the Hub indexes) and a Markdown body.
//
// [ParseModel] and [ParseDataset] split a README into typed metadata
// ([ModelData], [DatasetData]) and body; [Card.Render] writes it back.
// Keys the types do not know are kept in the Extra maps and written back, and
// a value of the wrong shape for a known key (a list where a string is
// expected) is kept as it was and reported in Problems instead of failing the
// whole card, as the Python client does with ignore_metadata_errors.
//
// # Round trips
//
// Rendering a card whose metadata was not modified returns the original
// bytes exactly. After a modification the front matter is re-encoded: known
// keys first in a fixed order, then unknown keys in their original order.
// Rendering is stable: parsing a rendered card and rendering it again gives
// the same bytes.
//
// # Example
//
//	c, err := card.ParseModel(readme)
//	if err != nil { ... }
//	c.Data.Tags = append(c.Data.Tags, "go")
//	out, err := c.Render()
package card
