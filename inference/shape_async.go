package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Provider-native shapes: fal (sync and queue), replicate, together video,
// novita video, wavespeed, zai. Polling intervals follow the official
// clients (spec §3.4); [WithPollInterval] overrides them; the context
// bounds every wait.
var (
	shapeFalASR = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := params(in)
		m["audio_url"] = (&media{data: md.data, url: md.url, contentType: falAudioType(md.contentType)}).asURL("audio/mpeg")
		return jsonRequest(t, "", m, in.extra)
	}, finish: finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *json.RawMessage) (*output, error) {
		var s struct {
			Text *string `json:"text"`
		}
		if json.Unmarshal(*v, &s) != nil || s.Text == nil {
			return nil, badResponse("fal-ai transcription has no text: %.200s", *v)
		}
		return &output{json: *v}, nil
	})}
	shapeFalTextToImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		m["prompt"] = in.inputs
		if w, ok := m["width"]; ok {
			if h, ok := m["height"]; ok {
				m["image_size"] = map[string]any{"width": w, "height": h}
				delete(m, "width")
				delete(m, "height")
			}
		}
		if l := loras(t); l != nil {
			m["loras"] = l
			if t.mapping.ProviderID == "fal-ai/lora" {
				m["model_name"] = "stabilityai/stable-diffusion-xl-base-1.0"
			}
		}
		return jsonRequest(t, "", m, in.extra)
	}, finish: finishThen(falImages)}
	shapeFalTextToSpeech = &shape{build: inputsAs("text", false), finish: finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *struct {
		Audio struct {
			URL string `json:"url"`
		} `json:"audio"`
	}) (*output, error) {
		if v.Audio.URL == "" {
			return nil, badResponse("fal-ai speech answer has no audio.url")
		}
		return c.download(ctx, v.Audio.URL)
	})}
	shapeFalTextToVideo  = &shape{build: inputsAs("prompt", false), finish: falQueue(falVideo)}
	shapeFalImageToVideo = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := params(in)
		m["image_url"] = md.asURL("image/jpeg")
		if l := loras(t); l != nil {
			m["loras"] = l
		}
		return jsonRequest(t, "", m, in.extra)
	}, finish: falQueue(falVideo)}
	shapeFalImageToImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := params(in)
		rename(m, "target_size", "image_size")
		img := md.asURL("image/jpeg")
		m["image_url"], m["image_urls"] = img, []string{img}
		if l := loras(t); l != nil {
			m["loras"] = l
		}
		return jsonRequest(t, "", m, in.extra)
	}, finish: falQueue(func(ctx context.Context, c *Client, t *target, b []byte) (*output, error) {
		var v falImagesAnswer
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, badResponse("fal-ai result: %v", err)
		}
		return falImages(ctx, c, t, nil, &v)
	})}
	shapeFalSegmentation = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := params(in)
		m["image_url"], m["sync_mode"] = md.asURL("image/png"), true
		return jsonRequest(t, "", m, in.extra)
	}, finish: falQueue(func(ctx context.Context, c *Client, t *target, b []byte) (*output, error) {
		var v struct {
			Image struct {
				URL string `json:"url"`
			} `json:"image"`
		}
		if json.Unmarshal(b, &v) != nil || v.Image.URL == "" {
			return nil, badResponse("fal-ai segmentation result has no image.url: %.200s", b)
		}
		o, err := c.download(ctx, v.Image.URL)
		if err != nil {
			return nil, err
		}
		j, _ := json.Marshal([]map[string]any{{"label": "mask", "mask": b64(o.blob.Data)}})
		return &output{json: j}, nil
	})}

	shapeReplicate            = &shape{build: replicateBuild("prompt", nil), finish: replicateFinish(replicateAsset)}
	shapeReplicateTextToImage = &shape{build: replicateBuild("prompt", func(t *target, in map[string]any) {
		if t.mapping.AdapterWeightsPath != "" {
			in["lora_weights"] = "https://huggingface.co/" + t.mapping.HFModelID
		}
	}), finish: replicateFinish(replicateAsset)}
	shapeReplicateTextToSpeech = &shape{build: replicateBuild("text", nil), finish: replicateFinish(replicateAsset)}
	shapeReplicateImageToImage = &shape{build: replicateMedia(func(md *media, in map[string]any) {
		img := md.asURL("image/jpeg")
		in["image"], in["images"], in["input_image"], in["input_images"] = img, []string{img}, img, []string{img}
	}), finish: replicateFinish(replicateAsset)}
	shapeReplicateASR = &shape{build: replicateMedia(func(md *media, in map[string]any) {
		in["audio"] = md.asURL("audio/wav")
	}), finish: replicateFinish(replicateText)}

	shapeTogetherTextToVideo = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := videoParams(in)
		m["prompt"] = in.inputs
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: togetherVideo}
	shapeTogetherImageToVideo = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := videoParams(in)
		m["frame_images"] = []any{map[string]any{"input_image": md.asURL("image/png"), "frame": "first"}}
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: togetherVideo}

	shapeNovitaVideo = &shape{build: inputsAs("prompt", false), finish: finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *struct {
		Video struct {
			URL string `json:"video_url"`
		} `json:"video"`
	}) (*output, error) {
		if v.Video.URL == "" {
			return nil, badResponse("novita answer has no video.video_url")
		}
		return c.download(ctx, v.Video.URL)
	})}

	shapeWavespeedText  = &shape{build: inputsAs("prompt", false), finish: wavespeedFinish}
	shapeWavespeedImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		m := params(in)
		m["image"] = md.asURL("image/jpeg")
		return jsonRequest(t, "", m, in.extra)
	}, finish: wavespeedFinish}

	shapeZaiImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		joinSize(m)
		delete(m, "width")
		delete(m, "height")
		m["prompt"] = in.inputs
		return jsonRequest(t, t.bodyModel, m, in.extra)
	}, finish: finishThen(zaiFinish)}
)

// falAudioType maps MIME types fal rejects in data URLs (as JS does).
func falAudioType(ct string) string {
	switch ct {
	case "audio/wav":
		return "audio/x-wav"
	case "audio/webm":
		return "video/webm"
	}
	return ct
}

type falImagesAnswer struct {
	Images []struct {
		URL string `json:"url"`
	} `json:"images"`
}

func falImages(ctx context.Context, c *Client, t *target, r *request, v *falImagesAnswer) (*output, error) {
	if len(v.Images) == 0 || v.Images[0].URL == "" {
		return nil, badResponse("fal-ai answer has no images[0].url")
	}
	return c.download(ctx, v.Images[0].URL)
}

func falVideo(ctx context.Context, c *Client, t *target, b []byte) (*output, error) {
	var v struct {
		Video struct {
			URL string `json:"url"`
		} `json:"video"`
	}
	if json.Unmarshal(b, &v) != nil || v.Video.URL == "" {
		return nil, badResponse("fal-ai result has no video.url: %.200s", b)
	}
	return c.download(ctx, v.Video.URL)
}

// falQueue submits to fal's queue and polls {base}{response path}/status
// until COMPLETED, then fetches the result (spec §2.10). Routed, the base
// is {router}/fal-ai; the POST's query (_subdomain=queue) is kept.
func falQueue(next func(ctx context.Context, c *Client, t *target, b []byte) (*output, error)) func(context.Context, *Client, *target, *request, *http.Response) (*output, error) {
	return finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *struct {
		RequestID   string `json:"request_id"`
		Status      string `json:"status"`
		ResponseURL string `json:"response_url"`
	}) (*output, error) {
		if v.RequestID == "" || v.ResponseURL == "" {
			return nil, badResponse("fal-ai queue answer has no request_id/response_url")
		}
		base := c.providerBase(t)
		query := ""
		if _, q, ok := strings.Cut(t.url, "?"); ok {
			query = "?" + q
		}
		p, _, _ := strings.Cut(pathOf(v.ResponseURL), "?")
		status := v.Status
		if status != "COMPLETED" {
			_, err := c.poll(ctx, t, base+p+"/status"+query, 500*time.Millisecond, 0, func(b []byte) (bool, error) {
				var s struct {
					Status string `json:"status"`
					Error  string `json:"error"`
				}
				if err := json.Unmarshal(b, &s); err != nil {
					return false, badResponse("fal-ai status: %v", err)
				}
				if s.Status == "FAILED" || s.Status == "ERROR" {
					return false, fmt.Errorf("%w: fal-ai job %s failed: %s", ErrGeneration, v.RequestID, s.Error)
				}
				return s.Status == "COMPLETED", nil
			})
			if err != nil {
				return nil, err
			}
		}
		resp, err := c.send(ctx, t, &request{method: http.MethodGet, url: base + p + query})
		if err != nil {
			return nil, err
		}
		o, err := finishJSON(ctx, c, t, r, resp)
		if err != nil {
			return nil, err
		}
		return next(ctx, c, t, o.json)
	})
}

func replicateBuild(field string, more func(t *target, in map[string]any)) func(*Client, *target, *call) (*request, error) {
	return func(c *Client, t *target, in *call) (*request, error) {
		input := params(in)
		input[field] = in.inputs
		if more != nil {
			more(t, input)
		}
		return replicateBody(t, input, in.extra)
	}
}

func replicateMedia(set func(md *media, in map[string]any)) func(*Client, *target, *call) (*request, error) {
	return func(c *Client, t *target, in *call) (*request, error) {
		md, err := needMedia(in)
		if err != nil {
			return nil, err
		}
		input := params(in)
		set(md, input)
		return replicateBody(t, input, in.extra)
	}
}

func replicateBody(t *target, input, extra map[string]any) (*request, error) {
	m := map[string]any{"input": input}
	if _, version, ok := strings.Cut(t.mapping.ProviderID, ":"); ok {
		m["version"] = version
	}
	return jsonRequest(t, "", m, extra)
}

type replicatePrediction struct {
	ID     string          `json:"id"`
	Status string          `json:"status"`
	Output json.RawMessage `json:"output"`
	Error  json.RawMessage `json:"error"`
	URLs   struct {
		Get string `json:"get"`
	} `json:"urls"`
}

// replicateFinish reads a prediction. When Prefer: wait ran out (202,
// output null) it polls the prediction until it ends — Python gives up
// there; the context bounds the wait.
func replicateFinish(next func(ctx context.Context, c *Client, t *target, p *replicatePrediction) (*output, error)) func(context.Context, *Client, *target, *request, *http.Response) (*output, error) {
	return finishThen(func(ctx context.Context, c *Client, t *target, r *request, p *replicatePrediction) (*output, error) {
		for hasOutput := func() bool { return len(p.Output) > 0 && string(p.Output) != "null" }; !hasOutput(); {
			switch p.Status {
			case "failed", "canceled":
				return nil, fmt.Errorf("%w: replicate prediction %s %s: %s", ErrGeneration, p.ID, p.Status, p.Error)
			case "succeeded":
				return nil, badResponse("replicate prediction %s succeeded without output", p.ID)
			}
			if p.ID == "" {
				return nil, fmt.Errorf("%w: replicate gave no output and no prediction id to wait on", ErrTimeout)
			}
			u := c.providerBase(t) + "/v1/predictions/" + p.ID
			if p.URLs.Get != "" {
				u = c.providerBase(t) + pathOf(p.URLs.Get)
			}
			b, err := c.poll(ctx, t, u, time.Second, 0, func(b []byte) (bool, error) {
				var q replicatePrediction
				if err := json.Unmarshal(b, &q); err != nil {
					return false, badResponse("replicate prediction: %v", err)
				}
				return q.Status == "succeeded" || q.Status == "failed" || q.Status == "canceled" || (len(q.Output) > 0 && string(q.Output) != "null"), nil
			})
			if err != nil {
				return nil, err
			}
			*p = replicatePrediction{}
			if err := json.Unmarshal(b, p); err != nil {
				return nil, badResponse("replicate prediction: %v", err)
			}
		}
		return next(ctx, c, t, p)
	})
}

func replicateAsset(ctx context.Context, c *Client, t *target, p *replicatePrediction) (*output, error) {
	var one string
	var list []string
	switch {
	case json.Unmarshal(p.Output, &one) == nil:
	case json.Unmarshal(p.Output, &list) == nil && len(list) > 0:
		one = list[0]
	default:
		return nil, badResponse("replicate output is not a URL: %.200s", p.Output)
	}
	return c.download(ctx, one)
}

func replicateText(ctx context.Context, c *Client, t *target, p *replicatePrediction) (*output, error) {
	text := func(s string) (*output, error) {
		b, _ := json.Marshal(ASRResult{Text: s})
		return &output{json: b}, nil
	}
	var s string
	if json.Unmarshal(p.Output, &s) == nil {
		return text(s)
	}
	raw := p.Output
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		if json.Unmarshal(list[0], &s) == nil {
			return text(s)
		}
		raw = list[0]
	}
	var obj struct {
		Transcription *string `json:"transcription"`
		Translation   *string `json:"translation"`
		TxtFile       *string `json:"txt_file"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		switch {
		case obj.Translation != nil:
			return text(*obj.Translation)
		case obj.Transcription != nil:
			return text(*obj.Transcription)
		case obj.TxtFile != nil:
			o, err := c.download(ctx, *obj.TxtFile)
			if err != nil {
				return nil, err
			}
			return text(string(o.blob.Data))
		}
	}
	return nil, badResponse("replicate transcription output: %.200s", p.Output)
}

func videoParams(in *call) map[string]any {
	m := params(in)
	rename(m, "num_inference_steps", "steps")
	if ts, ok := m["target_size"].(map[string]any); ok {
		delete(m, "target_size")
		for _, k := range []string{"width", "height"} {
			if v, ok := ts[k]; ok {
				m[k] = v
			}
		}
	}
	return m
}

type togetherJob struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Outputs struct {
		VideoURL string `json:"video_url"`
	} `json:"outputs"`
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

var togetherVideo = finishThen(func(ctx context.Context, c *Client, t *target, r *request, job *togetherJob) (*output, error) {
	if job.ID == "" {
		return nil, badResponse("together video answer has no job id")
	}
	pending := func(s string) bool { return s == "" || s == "queued" || s == "in_progress" }
	if pending(job.Status) {
		b, err := c.poll(ctx, t, strings.TrimRight(t.url, "/")+"/"+job.ID, 2*time.Second, 150, func(b []byte) (bool, error) {
			var j togetherJob
			if err := json.Unmarshal(b, &j); err != nil {
				return false, badResponse("together video status: %v", err)
			}
			return !pending(j.Status), nil
		})
		if err != nil {
			return nil, err
		}
		*job = togetherJob{}
		json.Unmarshal(b, job)
	}
	switch {
	case job.Status == "failed":
		return nil, fmt.Errorf("%w: together video job %s failed: %s", ErrGeneration, job.ID, cmpOr(job.Error.Message, "unknown error"))
	case job.Status != "completed":
		return nil, badResponse("together video job %s ended as %q", job.ID, job.Status)
	case job.Outputs.VideoURL == "":
		return nil, badResponse("together video job %s has no outputs.video_url", job.ID)
	}
	return c.download(ctx, job.Outputs.VideoURL)
})

type wavespeedAnswer struct {
	Data struct {
		Status  string   `json:"status"`
		Outputs []string `json:"outputs"`
		Error   string   `json:"error"`
		URLs    struct {
			Get string `json:"get"`
		} `json:"urls"`
	} `json:"data"`
}

var wavespeedFinish = finishThen(func(ctx context.Context, c *Client, t *target, r *request, v *wavespeedAnswer) (*output, error) {
	if v.Data.URLs.Get == "" {
		return nil, badResponse("wavespeed answer has no data.urls.get")
	}
	b, err := c.poll(ctx, t, c.providerBase(t)+pathOf(v.Data.URLs.Get), 500*time.Millisecond, 0, func(b []byte) (bool, error) {
		var w wavespeedAnswer
		if err := json.Unmarshal(b, &w); err != nil {
			return false, badResponse("wavespeed status: %v", err)
		}
		switch w.Data.Status {
		case "completed":
			return true, nil
		case "failed":
			return false, fmt.Errorf("%w: wavespeed task failed: %s", ErrGeneration, cmpOr(w.Data.Error, "no message"))
		case "processing", "created":
			return false, nil
		}
		return false, badResponse("wavespeed status %q", w.Data.Status)
	})
	if err != nil {
		return nil, err
	}
	var w wavespeedAnswer
	json.Unmarshal(b, &w)
	if len(w.Data.Outputs) == 0 {
		return nil, badResponse("wavespeed completed without outputs")
	}
	return c.download(ctx, w.Data.Outputs[0])
})

type zaiAnswer struct {
	ID          string `json:"id"`
	TaskStatus  string `json:"task_status"`
	ImageResult []struct {
		URL string `json:"url"`
	} `json:"image_result"`
}

func zaiFinish(ctx context.Context, c *Client, t *target, r *request, v *zaiAnswer) (*output, error) {
	if v.ID == "" {
		return nil, badResponse("zai answer has no id")
	}
	if v.TaskStatus == "PROCESSING" {
		base, _, _ := strings.Cut(t.url, "/api/paas/v4/async/images/generations")
		b, err := c.poll(ctx, t, base+"/api/paas/v4/async-result/"+v.ID, 5*time.Second, 60, func(b []byte) (bool, error) {
			var z zaiAnswer
			if err := json.Unmarshal(b, &z); err != nil {
				return false, badResponse("zai status: %v", err)
			}
			if z.TaskStatus == "FAIL" {
				return false, fmt.Errorf("%w: zai image generation %s failed", ErrGeneration, v.ID)
			}
			return z.TaskStatus == "SUCCESS", nil
		})
		if err != nil {
			return nil, err
		}
		*v = zaiAnswer{}
		json.Unmarshal(b, v)
	}
	if v.TaskStatus == "FAIL" {
		return nil, fmt.Errorf("%w: zai image generation %s failed", ErrGeneration, v.ID)
	}
	if len(v.ImageResult) == 0 || v.ImageResult[0].URL == "" {
		return nil, badResponse("zai answer has no image_result[0].url")
	}
	return c.download(ctx, v.ImageResult[0].URL)
}
