package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
)

// Shapes of OpenAI-compatible routes.
var (
	shapeChat        = &shape{build: buildChat}
	shapeCompletions = &shape{build: buildCompletions, finish: finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *completionsResponse) (*output, error) {
		if len(v.Choices) == 0 {
			return nil, badResponse("%s completions answer has no choices", t.provider)
		}
		ch := v.Choices[0]
		b, err := json.Marshal(map[string]any{"generated_text": ch.Text, "details": map[string]any{"finish_reason": ch.FinishReason, "seed": ch.Seed}})
		return &output{json: b}, err
	})}
	shapeEmbeddings = &shape{build: inputsAs("input", true), finish: finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *struct {
		Data []struct {
			Index     int             `json:"index"`
			Embedding json.RawMessage `json:"embedding"`
		} `json:"data"`
	}) (*output, error) {
		var b bytes.Buffer
		b.WriteByte('[')
		for i, d := range v.Data {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(d.Embedding)
		}
		b.WriteByte(']')
		return &output{json: b.Bytes()}, nil
	})}
	// shapeSpeech: OpenAI audio/speech; raw audio out.
	shapeSpeech = &shape{build: inputsAs("input", true), finish: finishBlob}
	// shapeMultipartASR: OpenAI audio/transcriptions (deepinfra).
	shapeMultipartASR = &shape{build: buildMultipartASR, finish: finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *struct {
		Text     *string `json:"text"`
		Segments []struct {
			Text  string  `json:"text"`
			Start float64 `json:"start"`
			End   float64 `json:"end"`
		} `json:"segments"`
	}) (*output, error) {
		if v.Text == nil {
			return nil, badResponse("%s transcription has no text", t.provider)
		}
		res := ASRResult{Text: *v.Text}
		for _, s := range v.Segments {
			res.Chunks = append(res.Chunks, ASRChunk{Text: s.Text, Timestamp: []float64{s.Start, s.End}})
		}
		b, err := json.Marshal(res)
		return &output{json: b}, err
	})}
	shapeTogetherImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		rename(m, "num_inference_steps", "steps")
		m["prompt"], m["response_format"] = in.inputs, "base64"
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: finishB64Data}
	shapeTogetherImageToImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := params(in)
		rename(m, "num_inference_steps", "steps")
		if _, ok := m["prompt"]; !ok {
			m["prompt"] = ""
		}
		img := md.asURL("image/jpeg")
		if id := strings.ToLower(t.bodyModel); strings.Contains(id, "kontext") && strings.Contains(id, "flux.1") {
			m["image_url"] = img
		} else {
			m["reference_images"] = []string{img}
		}
		m["response_format"] = "base64"
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: finishB64Data}
	// shapeB64JSONImage: OpenAI images with b64_json (nebius).
	shapeB64JSONImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		m["prompt"], m["response_format"] = in.inputs, "b64_json"
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: finishB64Data}
	shapeNscaleImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		joinSize(m)
		delete(m, "num_inference_steps")
		delete(m, "cfg_scale")
		m["prompt"], m["response_format"] = in.inputs, "b64_json"
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: finishB64Data}
)

type completionsResponse struct {
	Choices []struct {
		Text         string          `json:"text"`
		FinishReason string          `json:"finish_reason"`
		Seed         json.RawMessage `json:"seed"`
	} `json:"choices"`
}

var finishB64Data = finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *struct {
	Data []struct {
		B64 string `json:"b64_json"`
	} `json:"data"`
}) (*output, error) {
	if len(v.Data) == 0 || v.Data[0].B64 == "" {
		return nil, badResponse("%s image answer has no data[0].b64_json", t.provider)
	}
	return blobFromBase64(v.Data[0].B64)
})

func rename(m map[string]any, from, to string) {
	if v, ok := m[from]; ok {
		delete(m, from)
		m[to] = v
	}
}

// buildChat writes the OpenAI chat body: model first, "stream" always,
// response_format rewritten for providers that want another spelling.
func buildChat(c *Client, t *target, in *call) (*request, error) {
	m := params(in)
	m["stream"] = in.stream
	rf := rfPass
	if t.spec != nil && !t.custom {
		rf = t.spec.rf
	}
	if f, ok := m["response_format"].(map[string]any); ok && f["type"] == "json_schema" && rf != rfPass {
		if js, ok := f["json_schema"].(map[string]any); ok {
			schema := js["schema"]
			switch rf {
			case rfJSONObjectValue:
				m["response_format"] = map[string]any{"type": "json_object", "value": schema}
			case rfJSONObjectSchema:
				m["response_format"] = map[string]any{"type": "json_object", "schema": schema}
			case rfJSONSchemaFlat:
				m["response_format"] = map[string]any{"type": "json_schema", "schema": schema}
			}
		}
	}
	r, err := jsonRequest(t, t.bodyModel, m, in.extra)
	if err == nil && in.stream {
		r.accept = "text/event-stream"
	}
	return r, err
}

// buildCompletions writes an OpenAI completions body from text-generation
// parameters (max_new_tokens is max_tokens there).
func buildCompletions(c *Client, t *target, in *call) (*request, error) {
	m := params(in)
	rename(m, "max_new_tokens", "max_tokens")
	m["prompt"] = in.inputs
	if in.stream {
		m["stream"] = true
	}
	return jsonRequest(t, t.bodyModel, m, in.extra)
}

func buildMultipartASR(c *Client, t *target, in *call) (*request, error) {
	md, err := needMedia(in)
	if err != nil {
		return nil, err
	}
	if md.url != "" {
		return nil, fmt.Errorf("%w: %s transcribes uploaded audio only: read the file and pass its bytes", ErrInvalidInput, t.provider)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="audio`+audioExt(md.contentType)+`"`)
	h.Set("Content-Type", cmpOr(md.contentType, "application/octet-stream"))
	part, _ := w.CreatePart(h)
	part.Write(md.data)
	fields := params(in)
	for k, v := range in.extra {
		fields[k] = v
	}
	fields["model"] = t.bodyModel
	for _, k := range keysOf(fields) {
		var s string
		switch v := fields[k].(type) {
		case string:
			s = v
		default:
			j, _ := json.Marshal(v)
			s = string(j)
		}
		w.WriteField(k, s)
	}
	w.Close()
	return &request{url: t.url, body: b.Bytes(), contentType: w.FormDataContentType()}, nil
}

func audioExt(ct string) string {
	switch ct {
	case "audio/flac":
		return ".flac"
	case "audio/mpeg":
		return ".mp3"
	case "audio/ogg":
		return ".ogg"
	case "audio/webm":
		return ".webm"
	}
	return ".wav"
}

var _ = http.MethodPost

// inputsAs is the body {field: inputs, ...parameters} (with the
// provider-side model first when withModel).
func inputsAs(field string, withModel bool) func(*Client, *target, *call) (*request, error) {
	return func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		m[field] = in.inputs
		model := ""
		if withModel {
			model = t.bodyModel
		}
		return jsonRequest(t, model, m, in.extra)
	}
}

// joinSize replaces width and height, when both are set, by "size": "WxH".
func joinSize(m map[string]any) {
	w, okW := m["width"]
	h, okH := m["height"]
	if okW && okH {
		m["size"] = fmt.Sprintf("%vx%v", w, h)
		delete(m, "width")
		delete(m, "height")
	}
}
