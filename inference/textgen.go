package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strings"
)

// TextGenerationRequest is a text generation request (spec §2.3): TGI's
// native body for hf-inference and custom URLs, OpenAI completions for
// other providers. Unset parameters are not sent.
type TextGenerationRequest struct {
	Model  string `json:"-"`
	Prompt string `json:"-"`

	AdapterID           string   `json:"adapter_id,omitempty"`
	BestOf              *int     `json:"best_of,omitempty"`
	DecoderInputDetails *bool    `json:"decoder_input_details,omitempty"`
	Details             *bool    `json:"details,omitempty"`
	DoSample            *bool    `json:"do_sample,omitempty"`
	FrequencyPenalty    *float64 `json:"frequency_penalty,omitempty"`
	Grammar             *Grammar `json:"grammar,omitempty"`
	MaxNewTokens        *int     `json:"max_new_tokens,omitempty"`
	RepetitionPenalty   *float64 `json:"repetition_penalty,omitempty"`
	ReturnFullText      *bool    `json:"return_full_text,omitempty"`
	Seed                *int64   `json:"seed,omitempty"`
	Stop                []string `json:"stop,omitempty"`
	Temperature         *float64 `json:"temperature,omitempty"`
	TopK                *int     `json:"top_k,omitempty"`
	TopNTokens          *int     `json:"top_n_tokens,omitempty"`
	TopP                *float64 `json:"top_p,omitempty"`
	Truncate            *int     `json:"truncate,omitempty"`
	TypicalP            *float64 `json:"typical_p,omitempty"`
	Watermark           *bool    `json:"watermark,omitempty"`

	ExtraBody map[string]any `json:"-"`
	Meta      *Meta          `json:"-"`
}

// Grammar constrains TGI's output: Type "json", "regex" or "json_schema".
type Grammar struct {
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// TextGenerationResponse is the generated text, with details when asked.
type TextGenerationResponse struct {
	GeneratedText string                 `json:"generated_text"`
	Details       *TextGenerationDetails `json:"details,omitempty"`
	Meta          Meta                   `json:"-"`
}

// TextGenerationDetails are TGI's generation details.
type TextGenerationDetails struct {
	FinishReason    string           `json:"finish_reason"` // length, eos_token, stop_sequence
	GeneratedTokens int              `json:"generated_tokens"`
	Seed            *Seed            `json:"seed,omitempty"`
	InputLength     int              `json:"input_length,omitempty"`
	Prefill         []Token          `json:"prefill,omitempty"`
	Tokens          []Token          `json:"tokens,omitempty"`
	TopTokens       [][]Token        `json:"top_tokens,omitempty"`
	BestOfSequences []BestOfSequence `json:"best_of_sequences,omitempty"`
}

// BestOfSequence is one of the best_of candidates.
type BestOfSequence struct {
	GeneratedText   string    `json:"generated_text"`
	FinishReason    string    `json:"finish_reason"`
	GeneratedTokens int       `json:"generated_tokens"`
	Seed            *Seed     `json:"seed,omitempty"`
	Prefill         []Token   `json:"prefill,omitempty"`
	Tokens          []Token   `json:"tokens,omitempty"`
	TopTokens       [][]Token `json:"top_tokens,omitempty"`
}

// Token is one generated (or prefill) token.
type Token struct {
	ID      int      `json:"id"`
	Text    string   `json:"text"`
	Logprob *float64 `json:"logprob"`
	Special bool     `json:"special,omitempty"`
}

// TextGenerationStreamOutput is one streamed token. GeneratedText and
// Details are set on the last event only.
type TextGenerationStreamOutput struct {
	Index         int                    `json:"index"`
	Token         Token                  `json:"token"`
	TopTokens     []Token                `json:"top_tokens,omitempty"`
	GeneratedText *string                `json:"generated_text"`
	Details       *TextGenerationDetails `json:"details"`
}

// TextGeneration generates text. A transformers-backed (non-TGI) model
// that refuses TGI parameters (400 "model_kwargs are not used") is retried
// once without them; the refused names are remembered per model.
func (c *Client) TextGeneration(ctx context.Context, req *TextGenerationRequest) (*TextGenerationResponse, error) {
	in, err := textGenCall(req, false)
	if err != nil {
		return nil, err
	}
	t, err := c.resolve(ctx, TaskTextGeneration, req.Model)
	if err != nil {
		return nil, err
	}
	c.dropRefused(t, in)
	out, err := c.runTarget(ctx, t, in)
	if names := refusedKwargs(err); names != nil && t.route.shape == shapeTGI {
		c.nonTGI.Store(t.url, names)
		c.dropRefused(t, in)
		out, err = c.runTarget(ctx, t, in)
	}
	if err != nil {
		return nil, err
	}
	var r TextGenerationResponse
	if err := decodeFirst(out.json, &r); err != nil {
		return nil, badResponse("text generation: %v: %.300s", err, out.json)
	}
	r.Meta = out.meta
	return &r, nil
}

// TextGenerationStream streams generated tokens (TGI: one event per token,
// no [DONE]; completions providers: OpenAI chunks mapped to tokens).
func (c *Client) TextGenerationStream(ctx context.Context, req *TextGenerationRequest) iter.Seq2[*TextGenerationStreamOutput, error] {
	return func(yield func(*TextGenerationStreamOutput, error) bool) {
		in, err := textGenCall(req, true)
		if err != nil {
			yield(nil, err)
			return
		}
		t, err := c.resolve(ctx, TaskTextGeneration, req.Model)
		if err != nil {
			yield(nil, err)
			return
		}
		if _, ok := c.nonTGI.Load(t.url); ok {
			yield(nil, fmt.Errorf("%w: %s is not served by TGI and cannot stream: call TextGeneration", ErrInvalidInput, t.url))
			return
		}
		completions := t.route.shape == shapeCompletions
		for data, err := range c.streamTarget(ctx, t, in) {
			if err != nil {
				yield(nil, err)
				return
			}
			ev := new(TextGenerationStreamOutput)
			if completions {
				var ch struct {
					Choices []struct {
						Index        int    `json:"index"`
						Text         string `json:"text"`
						FinishReason string `json:"finish_reason"`
					} `json:"choices"`
				}
				if err := json.Unmarshal(data, &ch); err != nil {
					yield(nil, badResponse("stream chunk: %v: %.200s", err, data))
					return
				}
				if len(ch.Choices) == 0 {
					continue
				}
				ev.Index, ev.Token.Text = ch.Choices[0].Index, ch.Choices[0].Text
				if fr := ch.Choices[0].FinishReason; fr != "" {
					ev.Details = &TextGenerationDetails{FinishReason: fr}
				}
			} else if err := json.Unmarshal(data, ev); err != nil {
				yield(nil, badResponse("stream event: %v: %.200s", err, data))
				return
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

func textGenCall(req *TextGenerationRequest, stream bool) (*call, error) {
	if req == nil || req.Prompt == "" {
		return nil, fmt.Errorf("%w: text generation needs a prompt", ErrInvalidInput)
	}
	m, err := toMap(req)
	if err != nil {
		return nil, err
	}
	return &call{task: TaskTextGeneration, model: req.Model, inputs: req.Prompt, params: m, extra: req.ExtraBody, stream: stream, meta: req.Meta}, nil
}

var kwargsRE = regexp.MustCompile("model_kwargs` are not used by the model: \\[([^\\]]*)\\]")

// refusedKwargs extracts the parameter names of a non-TGI 400.
func refusedKwargs(err error) []string {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.StatusCode != 400 {
		return nil
	}
	m := kwargsRE.FindStringSubmatch(e.Message)
	if m == nil {
		return nil
	}
	var names []string
	for _, n := range strings.Split(m[1], ",") {
		if n = strings.Trim(strings.TrimSpace(n), `'"`); n != "" {
			names = append(names, n)
		}
	}
	return append(names, "details", "decoder_input_details")
}

func (c *Client) dropRefused(t *target, in *call) {
	v, ok := c.nonTGI.Load(t.url)
	if !ok {
		return
	}
	for _, n := range v.([]string) {
		delete(in.params, n)
	}
	if len(in.params) == 0 {
		in.params = map[string]any{}
	}
}

// decodeFirst decodes a JSON value or the first element of a JSON list.
func decodeFirst(b []byte, v any) error {
	b = trimJSON(b)
	if len(b) > 0 && b[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) == 0 {
			return errors.New("empty list")
		}
		b = list[0]
	}
	return json.Unmarshal(b, v)
}

func trimJSON(b []byte) []byte {
	return []byte(strings.TrimSpace(string(b)))
}

var _ = slices.Contains[[]string]
