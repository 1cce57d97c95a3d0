package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
)

// ChatCompletion sends a chat completion and returns the answer (spec
// §2.1). With provider "auto" it goes to the router's
// /v1/chat/completions; with an explicit provider through the model's
// provider mapping and the route table; in base-URL mode to
// {base}/v1/chat/completions.
func (c *Client) ChatCompletion(ctx context.Context, req *ChatRequest) (*ChatResponse, error) {
	in, err := chatCall(req, false)
	if err != nil {
		return nil, err
	}
	out, err := c.run(ctx, in)
	if err != nil {
		return nil, err
	}
	var r ChatResponse
	if err := json.Unmarshal(out.json, &r); err != nil {
		return nil, badResponse("chat completion: %v: %.300s", err, out.json)
	}
	r.Raw, r.Meta = out.json, out.meta
	return &r, nil
}

// ChatCompletionStream streams a chat completion: each chunk is yielded as
// soon as its event arrives. The sequence ends at "data: [DONE]" or at the
// end of the body; an error event inside the stream, a cut connection or a
// cancelled context is yielded as the last error. Stopping the loop early
// closes the connection. Use a [ChatAccumulator] to rebuild the whole
// message, tool calls included.
func (c *Client) ChatCompletionStream(ctx context.Context, req *ChatRequest) iter.Seq2[*ChatChunk, error] {
	return func(yield func(*ChatChunk, error) bool) {
		in, err := chatCall(req, true)
		if err != nil {
			yield(nil, err)
			return
		}
		for data, err := range c.streamData(ctx, in) {
			if err != nil {
				yield(nil, err)
				return
			}
			ch := new(ChatChunk)
			if err := json.Unmarshal(data, ch); err != nil {
				yield(nil, badResponse("stream chunk: %v: %.200s", err, data))
				return
			}
			if !yield(ch, nil) {
				return
			}
		}
	}
}

func chatCall(req *ChatRequest, stream bool) (*call, error) {
	if req == nil || len(req.Messages) == 0 {
		return nil, fmt.Errorf("%w: a chat request needs at least one message", ErrInvalidInput)
	}
	if !stream && req.StreamOptions != nil {
		return nil, fmt.Errorf("%w: StreamOptions is for ChatCompletionStream only", ErrInvalidInput)
	}
	m, err := toMap(req)
	if err != nil {
		return nil, err
	}
	return &call{task: TaskChat, model: req.Model, params: m, extra: req.ExtraBody, stream: stream, meta: req.Meta}, nil
}

// toMap turns a request struct into its JSON object (numbers kept exact).
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding the request: %v", ErrInvalidInput, err)
	}
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: encoding the request: %v", ErrInvalidInput, err)
	}
	return m, nil
}

// ChatAccumulator rebuilds whole choices from stream chunks: content and
// reasoning concatenated, tool-call deltas merged by index (the first
// fragment holds id and name, later ones append to the arguments), the
// last finish reason and usage kept. The zero value is ready to use; it is
// not safe for concurrent use.
type ChatAccumulator struct {
	resp    ChatResponse
	content map[int]*strings.Builder
	reason  map[int]*strings.Builder
	args    map[int]map[int]*strings.Builder
	chunks  int
}

// Add merges one chunk.
func (a *ChatAccumulator) Add(ch *ChatChunk) {
	if a.content == nil {
		a.content, a.reason, a.args = map[int]*strings.Builder{}, map[int]*strings.Builder{}, map[int]map[int]*strings.Builder{}
	}
	a.chunks++
	r := &a.resp
	r.ID, r.Object, r.Model = cmpOr(ch.ID, r.ID), "chat.completion", cmpOr(ch.Model, r.Model)
	r.Created = cmpOr(ch.Created, r.Created)
	r.SystemFingerprint = cmpOr(ch.SystemFingerprint, r.SystemFingerprint)
	if ch.Usage != nil {
		r.Usage = ch.Usage
	}
	for _, d := range ch.Choices {
		for len(r.Choices) <= d.Index {
			r.Choices = append(r.Choices, ChatChoice{Index: len(r.Choices)})
		}
		c := &r.Choices[d.Index]
		c.Message.Role = cmpOr(d.Delta.Role, c.Message.Role)
		c.FinishReason = cmpOr(d.FinishReason, c.FinishReason)
		builder(a.content, d.Index).WriteString(d.Delta.Content.String())
		builder(a.reason, d.Index).WriteString(d.Delta.Reasoning)
		if d.Logprobs != nil {
			if c.Logprobs == nil {
				c.Logprobs = &Logprobs{}
			}
			c.Logprobs.Content = append(c.Logprobs.Content, d.Logprobs.Content...)
		}
		for _, tc := range d.Delta.ToolCalls {
			calls := &c.Message.ToolCalls
			pos := -1
			for i := range *calls {
				if (*calls)[i].Index == tc.Index {
					pos = i
				}
			}
			if pos < 0 {
				*calls = append(*calls, ToolCall{Index: tc.Index, Type: "function"})
				pos = len(*calls) - 1
			}
			call := &(*calls)[pos]
			call.ID = cmpOr(tc.ID, call.ID)
			call.Type = cmpOr(tc.Type, call.Type)
			call.Function.Name = cmpOr(tc.Function.Name, call.Function.Name)
			if a.args[d.Index] == nil {
				a.args[d.Index] = map[int]*strings.Builder{}
			}
			builder(a.args[d.Index], tc.Index).Write(tc.Function.ArgumentsJSON())
		}
	}
}

func builder(m map[int]*strings.Builder, i int) *strings.Builder {
	b := m[i]
	if b == nil {
		b = &strings.Builder{}
		m[i] = b
	}
	return b
}

// Chunks returns how many chunks were added.
func (a *ChatAccumulator) Chunks() int { return a.chunks }

// Response returns the accumulated completion. Tool-call arguments are
// JSON strings, as in OpenAI's non-streamed answers.
func (a *ChatAccumulator) Response() *ChatResponse {
	r := a.resp
	r.Choices = append([]ChatChoice(nil), a.resp.Choices...)
	for i := range r.Choices {
		c := &r.Choices[i]
		if b := a.content[i]; b != nil && (b.Len() > 0 || c.Message.Content.IsZero()) {
			c.Message.Content = Text(b.String())
		}
		if b := a.reason[i]; b != nil {
			c.Message.Reasoning = b.String()
		}
		c.Message.ToolCalls = append([]ToolCall(nil), c.Message.ToolCalls...)
		for j := range c.Message.ToolCalls {
			tc := &c.Message.ToolCalls[j]
			if b := a.args[i][tc.Index]; b != nil {
				tc.Function.Arguments, _ = json.Marshal(b.String())
			}
		}
	}
	return &r
}

// CollectChat drains a chat stream into one response.
func CollectChat(seq iter.Seq2[*ChatChunk, error]) (*ChatResponse, error) {
	var a ChatAccumulator
	for ch, err := range seq {
		if err != nil {
			return a.Response(), err
		}
		a.Add(ch)
	}
	return a.Response(), nil
}
