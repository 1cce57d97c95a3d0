package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// ChatRequest is an OpenAI-compatible chat completion request (spec §2.1).
// The same struct serves the router, every provider and custom servers.
// Unset fields are not sent.
type ChatRequest struct {
	// Model is the HF model id (optionally with a router policy suffix such
	// as ":fastest" or ":groq"), or the model name a custom server expects.
	// Empty uses the client's model.
	Model    string    `json:"-"`
	Messages []Message `json:"messages"`

	MaxTokens        *int               `json:"max_tokens,omitempty"`
	Temperature      *float64           `json:"temperature,omitempty"`
	TopP             *float64           `json:"top_p,omitempty"`
	Seed             *int64             `json:"seed,omitempty"`
	Stop             []string           `json:"stop,omitempty"`
	N                *int               `json:"n,omitempty"`
	FrequencyPenalty *float64           `json:"frequency_penalty,omitempty"`
	PresencePenalty  *float64           `json:"presence_penalty,omitempty"`
	Logprobs         *bool              `json:"logprobs,omitempty"`
	TopLogprobs      *int               `json:"top_logprobs,omitempty"`
	LogitBias        map[string]float64 `json:"logit_bias,omitempty"`
	Tools            []Tool             `json:"tools,omitempty"`
	ToolChoice       *ToolChoice        `json:"tool_choice,omitempty"`
	ToolPrompt       string             `json:"tool_prompt,omitempty"` // TGI only
	ResponseFormat   *ResponseFormat    `json:"response_format,omitempty"`
	StreamOptions    *StreamOptions     `json:"stream_options,omitempty"`

	// ExtraBody is merged into the body's root (provider-specific keys).
	ExtraBody map[string]any `json:"-"`
	// Meta, when set, receives the response's metadata.
	Meta *Meta `json:"-"`
}

// Message is one chat turn. Content is a string or a list of parts; use
// [Text] and [Parts] to build it.
type Message struct {
	Role       string     `json:"role"`
	Content    Content    `json:"content,omitzero"`
	Name       string     `json:"name,omitempty"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	// Reasoning is the reasoning text some models return (answers only).
	Reasoning string `json:"reasoning,omitempty"`
}

// Content is a message's content: plain text or a list of parts. The zero
// value is no content (JSON null on answers; omitted on requests).
type Content struct {
	Text  string
	Parts []ContentPart
	set   bool
}

// Text returns text content.
func Text(s string) Content { return Content{Text: s, set: true} }

// Parts returns multi-part content (text and images).
func Parts(parts ...ContentPart) Content { return Content{Parts: parts, set: true} }

// IsZero reports whether no content was given.
func (c Content) IsZero() bool { return !c.set && c.Text == "" && c.Parts == nil }

// String returns the text, or the text parts joined.
func (c Content) String() string {
	if c.Parts == nil {
		return c.Text
	}
	var b bytes.Buffer
	for _, p := range c.Parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// MarshalJSON writes a string or a list of parts.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Parts != nil {
		return json.Marshal(c.Parts)
	}
	return json.Marshal(c.Text)
}

// UnmarshalJSON reads a string, a list of parts or null.
func (c *Content) UnmarshalJSON(b []byte) error {
	*c = Content{}
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '[':
		c.set = true
		return json.Unmarshal(b, &c.Parts)
	}
	c.set = true
	return json.Unmarshal(b, &c.Text)
}

// ContentPart is one part of a multi-part message.
type ContentPart struct {
	Type     string    `json:"type"` // "text" or "image_url"
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL is an image by URL or data URL.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

// TextPart is a text part.
func TextPart(s string) ContentPart { return ContentPart{Type: "text", Text: s} }

// ImagePart is an image part (an https:// or data: URL).
func ImagePart(url string) ContentPart {
	return ContentPart{Type: "image_url", ImageURL: &ImageURL{URL: url}}
}

// Tool is a function the model may call.
type Tool struct {
	Type     string      `json:"type"` // "function"
	Function FunctionDef `json:"function"`
}

// FunctionDef describes a callable function; Parameters is a JSON Schema.
type FunctionDef struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Parameters  any    `json:"parameters,omitempty"`
	Strict      *bool  `json:"strict,omitempty"`
}

// FunctionTool returns a function tool.
func FunctionTool(name, description string, parameters any) Tool {
	return Tool{Type: "function", Function: FunctionDef{Name: name, Description: description, Parameters: parameters}}
}

// ToolChoice is "auto", "none", "required", or one named function.
type ToolChoice struct {
	Mode     string // auto, none, required; "" with Function set
	Function string
}

// ToolChoiceFunction forces the model to call one function.
func ToolChoiceFunction(name string) *ToolChoice { return &ToolChoice{Function: name} }

// ToolChoiceMode is "auto", "none" or "required".
func ToolChoiceMode(mode string) *ToolChoice { return &ToolChoice{Mode: mode} }

// MarshalJSON writes the string or the {"type":"function","function":{"name"}} form.
func (t ToolChoice) MarshalJSON() ([]byte, error) {
	if t.Function != "" {
		return json.Marshal(map[string]any{"type": "function", "function": map[string]string{"name": t.Function}})
	}
	return json.Marshal(t.Mode)
}

// ToolCall is a call the model asked for. ID may be a string or (old TGI)
// a number; Arguments is raw JSON (a string of JSON in the OpenAI form, an
// object in old TGI) — [FunctionCall.ArgumentsJSON] normalises it.
type ToolCall struct {
	Index    int          `json:"index,omitempty"` // stream deltas only
	ID       FlexString   `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function FunctionCall `json:"function"`
}

// FunctionCall is the function part of a tool call.
type FunctionCall struct {
	Name        string          `json:"name,omitempty"`
	Arguments   json.RawMessage `json:"arguments,omitempty"`
	Description *string         `json:"description,omitempty"`
}

// ArgumentsJSON returns the arguments as JSON text: the string's content
// when they came as a JSON string, else the raw value.
func (f FunctionCall) ArgumentsJSON() []byte {
	var s string
	if len(f.Arguments) > 0 && f.Arguments[0] == '"' && json.Unmarshal(f.Arguments, &s) == nil {
		return []byte(s)
	}
	return f.Arguments
}

// FlexString decodes a JSON string or number as a string.
type FlexString string

// UnmarshalJSON accepts a string, a number or null.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		err := json.Unmarshal(b, &v)
		*s = FlexString(v)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: want string or number, got %s", b)
	}
	*s = FlexString(n.String())
	return nil
}

// ResponseFormat constrains the answer: {"type":"text"},
// {"type":"json_object"}, or a JSON schema ([JSONSchemaFormat],
// [StructuredFormat]). Providers that spell it differently get it
// rewritten (spec §2.1).
type ResponseFormat struct {
	Type       string      `json:"type"`
	JSONSchema *JSONSchema `json:"json_schema,omitempty"`
	// Value is TGI's {"type":"json","value":schema} form.
	Value any `json:"value,omitempty"`
}

// JSONSchema is the json_schema member of a response format.
type JSONSchema struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      any    `json:"schema"`
	Strict      *bool  `json:"strict,omitempty"`
}

// JSONSchemaFormat returns a json_schema response format.
func JSONSchemaFormat(name string, schema any) *ResponseFormat {
	return &ResponseFormat{Type: "json_schema", JSONSchema: &JSONSchema{Name: name, Schema: schema}}
}

// StreamOptions asks for usage on the final chunk (whose choices are empty).
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ChatResponse is a chat completion. Every field is optional in practice;
// Raw keeps the whole answer for provider-specific keys.
type ChatResponse struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	SystemFingerprint string       `json:"system_fingerprint,omitempty"`
	Choices           []ChatChoice `json:"choices"`
	Usage             *Usage       `json:"usage,omitempty"`

	Raw  json.RawMessage `json:"-"`
	Meta Meta            `json:"-"`
}

// ChatChoice is one answer.
type ChatChoice struct {
	Index        int       `json:"index"`
	Message      Message   `json:"message"`
	FinishReason string    `json:"finish_reason"`
	Logprobs     *Logprobs `json:"logprobs,omitempty"`
	Seed         *Seed     `json:"seed,omitempty"`
}

// Text returns the first choice's text ("" when there is none).
func (r *ChatResponse) Text() string {
	if len(r.Choices) == 0 {
		return ""
	}
	return r.Choices[0].Message.Content.String()
}

// Usage counts tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Logprobs are the token log-probabilities of a choice.
type Logprobs struct {
	Content []TokenLogprob `json:"content"`
}

// TokenLogprob is one token's log-probability and its alternatives.
type TokenLogprob struct {
	Token       string       `json:"token"`
	Logprob     float64      `json:"logprob"`
	TopLogprobs []TopLogprob `json:"top_logprobs,omitempty"`
}

// TopLogprob is an alternative token.
type TopLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
}

// Seed is a generation seed: it can exceed int64 (18435558523380366744 is
// recorded), so it keeps its decimal text.
type Seed string

// UnmarshalJSON keeps the number's text.
func (s *Seed) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*s = Seed(n)
	return nil
}

// Uint64 returns the seed as a number.
func (s Seed) Uint64() (uint64, error) { return strconv.ParseUint(string(s), 10, 64) }

// ChatChunk is one event of a streamed chat completion.
type ChatChunk struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Created           int64             `json:"created"`
	Model             string            `json:"model"`
	SystemFingerprint string            `json:"system_fingerprint,omitempty"`
	Choices           []ChatChunkChoice `json:"choices"`
	Usage             *Usage            `json:"usage,omitempty"`
}

// ChatChunkChoice is one choice's delta.
type ChatChunkChoice struct {
	Index        int       `json:"index"`
	Delta        Message   `json:"delta"`
	FinishReason string    `json:"finish_reason"`
	Logprobs     *Logprobs `json:"logprobs,omitempty"`
}

// Text returns the first choice's content delta.
func (c *ChatChunk) Text() string {
	if len(c.Choices) == 0 {
		return ""
	}
	return c.Choices[0].Delta.Content.String()
}
