package inference

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"
)

// URLInput is a binary input given by URL: providers that accept URLs
// (fal, replicate, wavespeed, together) receive it as is; hf-inference
// gets it as the JSON inputs. Pass it where an io.Reader is expected.
type URLInput struct {
	URL string
	r   *strings.Reader
}

// FromURL returns a binary input that is a URL rather than bytes.
func FromURL(u string) *URLInput { return &URLInput{URL: u, r: strings.NewReader(u)} }

// Read reads the URL's text (so a URLInput is an io.Reader).
func (u *URLInput) Read(p []byte) (int, error) { return u.r.Read(p) }

// MediaOptions are the options of binary-input tasks.
type MediaOptions struct {
	CallOptions
	// ContentType is the input's MIME type (e.g. audio/flac). Empty: taken
	// from the file name extension when the reader is a file, else none is
	// sent (the server sniffs raw bytes).
	ContentType string `json:"-"`
}

func (o *MediaOptions) mediaOpts() *MediaOptions {
	if o == nil {
		return &MediaOptions{}
	}
	return o
}

const maxInput = 512 << 20

// readMedia reads a binary input.
func readMedia(r io.Reader, ct string) (*media, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no input given (nil reader)", ErrInvalidInput)
	}
	if u, ok := r.(*URLInput); ok {
		if !isURL(u.URL) {
			return nil, fmt.Errorf("%w: input URL %q is not http(s)", ErrInvalidInput, u.URL)
		}
		return &media{url: u.URL, contentType: ct}, nil
	}
	if ct == "" {
		if n, ok := r.(interface{ Name() string }); ok {
			ct, _, _ = strings.Cut(mime.TypeByExtension(filepath.Ext(n.Name())), ";")
		}
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("inference: reading the input: %w", err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalidInput, maxInput)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: the input is empty", ErrInvalidInput)
	}
	return &media{data: b, contentType: ct}, nil
}

func mediaCall[O any, P interface {
	*O
	taskParams
	mediaOpts() *MediaOptions
}](task Task, model string, r io.Reader, opt P) (*call, error) {
	in, err := newCall(task, model, nil, opt)
	if err != nil {
		return nil, err
	}
	ct := ""
	if opt != nil {
		ct = opt.mediaOpts().ContentType
	}
	if in.media, err = readMedia(r, ct); err != nil {
		return nil, err
	}
	return in, nil
}

// ---- audio

// ASROptions are the speech-recognition parameters.
type ASROptions struct {
	MediaOptions
	ReturnTimestamps     *bool          `json:"return_timestamps,omitempty"`
	GenerationParameters map[string]any `json:"generation_parameters,omitempty"`
}

// ASRResult is a transcription.
type ASRResult struct {
	Text   string     `json:"text"`
	Chunks []ASRChunk `json:"chunks,omitempty"`
}

// ASRChunk is a timed piece of a transcription.
type ASRChunk struct {
	Text      string    `json:"text"`
	Timestamp []float64 `json:"timestamp"`
}

// AutomaticSpeechRecognition transcribes audio. hf-inference receives
// the raw bytes (no Content-Type unless known); fal-ai a data URL;
// replicate an input URL; deepinfra a multipart upload.
func (c *Client) AutomaticSpeechRecognition(ctx context.Context, model string, audio io.Reader, opt *ASROptions) (*ASRResult, error) {
	in, err := mediaCall(TaskAutomaticSpeechRecognition, model, audio, opt)
	if err != nil {
		return nil, err
	}
	var out ASRResult
	return &out, c.runJSON(ctx, in, &out)
}

// AudioClassificationOptions are the audio-classification parameters.
type AudioClassificationOptions struct {
	MediaOptions
	TopK            *int   `json:"top_k,omitempty"`
	FunctionToApply string `json:"function_to_apply,omitempty"`
}

// AudioClassification labels audio.
func (c *Client) AudioClassification(ctx context.Context, model string, audio io.Reader, opt *AudioClassificationOptions) ([]ClassificationOutput, error) {
	in, err := mediaCall(TaskAudioClassification, model, audio, opt)
	if err != nil {
		return nil, err
	}
	var out []ClassificationOutput
	return out, c.runJSON(ctx, in, &out)
}

// AudioOutput is one audio-to-audio result (e.g. a separated source).
type AudioOutput struct {
	Label string
	Blob
}

// AudioToAudio transforms audio (source separation, enhancement).
func (c *Client) AudioToAudio(ctx context.Context, model string, audio io.Reader, opt *MediaOptions) ([]AudioOutput, error) {
	in, err := mediaCall(TaskAudioToAudio, model, audio, opt)
	if err != nil {
		return nil, err
	}
	var raw []struct {
		Label       string `json:"label"`
		Blob        string `json:"blob"`
		ContentType string `json:"content-type"`
	}
	if err := c.runJSON(ctx, in, &raw); err != nil {
		return nil, err
	}
	out := make([]AudioOutput, len(raw))
	for i, r := range raw {
		b, err := base64.StdEncoding.DecodeString(r.Blob)
		if err != nil {
			return nil, badResponse("audio-to-audio blob: %v", err)
		}
		out[i] = AudioOutput{Label: r.Label, Blob: Blob{Data: b, ContentType: sniff(b, r.ContentType)}}
	}
	return out, nil
}

// TextToSpeechOptions are the text-to-speech parameters.
type TextToSpeechOptions struct {
	CallOptions
	DoSample     *bool    `json:"do_sample,omitempty"`
	MaxNewTokens *int     `json:"max_new_tokens,omitempty"`
	MaxLength    *int     `json:"max_length,omitempty"`
	MinNewTokens *int     `json:"min_new_tokens,omitempty"`
	NumBeams     *int     `json:"num_beams,omitempty"`
	Temperature  *float64 `json:"temperature,omitempty"`
	TopK         *int     `json:"top_k,omitempty"`
	TopP         *float64 `json:"top_p,omitempty"`
	TypicalP     *float64 `json:"typical_p,omitempty"`
	UseCache     *bool    `json:"use_cache,omitempty"`
	// Voice and ResponseFormat are for OpenAI-style providers.
	Voice          string `json:"voice,omitempty"`
	ResponseFormat string `json:"response_format,omitempty"`
}

// TextToSpeech synthesises speech; the result's ContentType says the
// audio format (audio/flac from hf-inference).
func (c *Client) TextToSpeech(ctx context.Context, model, text string, opt *TextToSpeechOptions) (*Blob, error) {
	in, err := newCall(TaskTextToSpeech, model, text, opt)
	if err != nil {
		return nil, err
	}
	return c.runBlob(ctx, in)
}

func (c *Client) runBlob(ctx context.Context, in *call) (*Blob, error) {
	out, err := c.run(ctx, in)
	if err != nil {
		return nil, err
	}
	if out.blob == nil {
		return nil, badResponse("%s gave no binary output", in.task)
	}
	return out.blob, nil
}

// ---- images

// TextToImageOptions are the text-to-image parameters.
type TextToImageOptions struct {
	CallOptions
	NegativePrompt    string   `json:"negative_prompt,omitempty"`
	Height            *int     `json:"height,omitempty"`
	Width             *int     `json:"width,omitempty"`
	NumInferenceSteps *int     `json:"num_inference_steps,omitempty"`
	GuidanceScale     *float64 `json:"guidance_scale,omitempty"`
	Scheduler         string   `json:"scheduler,omitempty"`
	Seed              *int64   `json:"seed,omitempty"`
}

// TextToImage generates an image: bytes and their sniffed MIME type
// (JPEG, PNG or WebP; never assume PNG).
func (c *Client) TextToImage(ctx context.Context, model, prompt string, opt *TextToImageOptions) (*Blob, error) {
	if prompt == "" {
		return nil, fmt.Errorf("%w: text-to-image needs a prompt", ErrInvalidInput)
	}
	in, err := newCall(TaskTextToImage, model, prompt, opt)
	if err != nil {
		return nil, err
	}
	return c.runBlob(ctx, in)
}

// TargetSize is an output size in pixels.
type TargetSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// ImageToImageOptions are the image-to-image parameters.
type ImageToImageOptions struct {
	MediaOptions
	Prompt            string      `json:"prompt,omitempty"`
	NegativePrompt    string      `json:"negative_prompt,omitempty"`
	NumInferenceSteps *int        `json:"num_inference_steps,omitempty"`
	GuidanceScale     *float64    `json:"guidance_scale,omitempty"`
	TargetSize        *TargetSize `json:"target_size,omitempty"`
}

// ImageToImage transforms an image.
func (c *Client) ImageToImage(ctx context.Context, model string, image io.Reader, opt *ImageToImageOptions) (*Blob, error) {
	in, err := mediaCall(TaskImageToImage, model, image, opt)
	if err != nil {
		return nil, err
	}
	return c.runBlob(ctx, in)
}

// ImageToText captions an image.
func (c *Client) ImageToText(ctx context.Context, model string, image io.Reader, opt *MediaOptions) (string, error) {
	in, err := mediaCall(TaskImageToText, model, image, opt)
	if err != nil {
		return "", err
	}
	var out struct {
		GeneratedText string `json:"generated_text"`
	}
	return out.GeneratedText, c.decodeFirstOf(ctx, in, &out)
}

// ImageClassificationOptions are the image-classification parameters.
type ImageClassificationOptions struct {
	MediaOptions
	TopK            *int   `json:"top_k,omitempty"`
	FunctionToApply string `json:"function_to_apply,omitempty"`
}

// ImageClassification labels an image.
func (c *Client) ImageClassification(ctx context.Context, model string, image io.Reader, opt *ImageClassificationOptions) ([]ClassificationOutput, error) {
	in, err := mediaCall(TaskImageClassification, model, image, opt)
	if err != nil {
		return nil, err
	}
	var out []ClassificationOutput
	return out, c.runJSON(ctx, in, &out)
}

// ImageSegmentationOptions are the segmentation parameters.
type ImageSegmentationOptions struct {
	MediaOptions
	MaskThreshold            *float64 `json:"mask_threshold,omitempty"`
	OverlapMaskAreaThreshold *float64 `json:"overlap_mask_area_threshold,omitempty"`
	Subtask                  string   `json:"subtask,omitempty"` // instance, panoptic, semantic
	Threshold                *float64 `json:"threshold,omitempty"`
}

// Segment is one segmentation mask (Mask holds the decoded image bytes).
type Segment struct {
	Label string
	Score *float64
	Mask  Blob
}

// ImageSegmentation segments an image.
func (c *Client) ImageSegmentation(ctx context.Context, model string, image io.Reader, opt *ImageSegmentationOptions) ([]Segment, error) {
	in, err := mediaCall(TaskImageSegmentation, model, image, opt)
	if err != nil {
		return nil, err
	}
	var raw []struct {
		Label string   `json:"label"`
		Score *float64 `json:"score"`
		Mask  string   `json:"mask"`
	}
	if err := c.runJSON(ctx, in, &raw); err != nil {
		return nil, err
	}
	out := make([]Segment, len(raw))
	for i, r := range raw {
		b, err := base64.StdEncoding.DecodeString(r.Mask)
		if err != nil {
			return nil, badResponse("segmentation mask: %v", err)
		}
		out[i] = Segment{Label: r.Label, Score: r.Score, Mask: Blob{Data: b, ContentType: sniff(b, "")}}
	}
	return out, nil
}

// ObjectDetectionOptions are the object-detection parameters.
type ObjectDetectionOptions struct {
	MediaOptions
	Threshold *float64 `json:"threshold,omitempty"`
}

// DetectedObject is one detection.
type DetectedObject struct {
	Label string      `json:"label"`
	Score float64     `json:"score"`
	Box   BoundingBox `json:"box"`
}

// BoundingBox is in pixels of the input image.
type BoundingBox struct {
	Xmin int `json:"xmin"`
	Ymin int `json:"ymin"`
	Xmax int `json:"xmax"`
	Ymax int `json:"ymax"`
}

// ObjectDetection finds objects in an image.
func (c *Client) ObjectDetection(ctx context.Context, model string, image io.Reader, opt *ObjectDetectionOptions) ([]DetectedObject, error) {
	in, err := mediaCall(TaskObjectDetection, model, image, opt)
	if err != nil {
		return nil, err
	}
	var out []DetectedObject
	return out, c.runJSON(ctx, in, &out)
}

// ZeroShotImageOptions are the zero-shot image parameters.
type ZeroShotImageOptions struct {
	MediaOptions
	HypothesisTemplate string `json:"hypothesis_template,omitempty"`
}

// ZeroShotImageClassification scores an image against candidate labels.
func (c *Client) ZeroShotImageClassification(ctx context.Context, model string, image io.Reader, labels []string, opt *ZeroShotImageOptions) ([]ClassificationOutput, error) {
	if len(labels) == 0 {
		return nil, fmt.Errorf("%w: zero-shot image classification needs candidate labels", ErrInvalidInput)
	}
	in, err := mediaCall(TaskZeroShotImageClassification, model, image, opt)
	if err != nil {
		return nil, err
	}
	in.params["candidate_labels"] = labels
	var raw json.RawMessage
	if err := c.runJSON(ctx, in, &raw); err != nil {
		return nil, err
	}
	return decodeLabelScores(raw)
}

// VisualQuestionAnsweringOptions are the VQA parameters.
type VisualQuestionAnsweringOptions struct {
	MediaOptions
	TopK *int `json:"top_k,omitempty"`
}

// VQAAnswer is an answer about an image.
type VQAAnswer struct {
	Answer string  `json:"answer"`
	Score  float64 `json:"score"`
}

// VisualQuestionAnswering answers a question about an image.
func (c *Client) VisualQuestionAnswering(ctx context.Context, model string, image io.Reader, question string, opt *VisualQuestionAnsweringOptions) ([]VQAAnswer, error) {
	in, err := mediaCall(TaskVisualQuestionAnswering, model, image, opt)
	if err != nil {
		return nil, err
	}
	extra := map[string]any{"question": question, "image": in.media.asInputs()}
	for k, v := range in.extra {
		extra[k] = v
	}
	in.extra = extra
	var out []VQAAnswer
	return out, c.runJSON(ctx, in, &out)
}

// DocumentQuestionAnsweringOptions are the document-QA parameters.
type DocumentQuestionAnsweringOptions struct {
	MediaOptions
	DocStride              *int   `json:"doc_stride,omitempty"`
	HandleImpossibleAnswer *bool  `json:"handle_impossible_answer,omitempty"`
	Lang                   string `json:"lang,omitempty"`
	MaxAnswerLen           *int   `json:"max_answer_len,omitempty"`
	MaxQuestionLen         *int   `json:"max_question_len,omitempty"`
	MaxSeqLen              *int   `json:"max_seq_len,omitempty"`
	TopK                   *int   `json:"top_k,omitempty"`
	WordBoxes              []any  `json:"word_boxes,omitempty"`
}

// DocumentQuestionAnswering answers a question about a document image.
func (c *Client) DocumentQuestionAnswering(ctx context.Context, model string, image io.Reader, question string, opt *DocumentQuestionAnsweringOptions) ([]Answer, error) {
	in, err := mediaCall(TaskDocumentQuestionAnswering, model, image, opt)
	if err != nil {
		return nil, err
	}
	in.inputs = map[string]any{"question": question, "image": in.media.asInputs()}
	in.media = nil
	return c.answers(ctx, in)
}

// ---- video

// TextToVideoOptions are the text-to-video parameters.
type TextToVideoOptions struct {
	CallOptions
	NegativePrompt    []string `json:"negative_prompt,omitempty"`
	NumFrames         *float64 `json:"num_frames,omitempty"`
	NumInferenceSteps *int     `json:"num_inference_steps,omitempty"`
	GuidanceScale     *float64 `json:"guidance_scale,omitempty"`
	Seed              *int64   `json:"seed,omitempty"`
}

// TextToVideo generates a video (usually an async job: fal queue,
// together, replicate, wavespeed — polled until done or ctx ends).
func (c *Client) TextToVideo(ctx context.Context, model, prompt string, opt *TextToVideoOptions) (*Blob, error) {
	in, err := newCall(TaskTextToVideo, model, prompt, opt)
	if err != nil {
		return nil, err
	}
	return c.runBlob(ctx, in)
}

// ImageToVideoOptions are the image-to-video parameters.
type ImageToVideoOptions struct {
	MediaOptions
	Prompt            string      `json:"prompt,omitempty"`
	NegativePrompt    string      `json:"negative_prompt,omitempty"`
	NumFrames         *float64    `json:"num_frames,omitempty"`
	NumInferenceSteps *int        `json:"num_inference_steps,omitempty"`
	GuidanceScale     *float64    `json:"guidance_scale,omitempty"`
	Seed              *int64      `json:"seed,omitempty"`
	TargetSize        *TargetSize `json:"target_size,omitempty"`
}

// ImageToVideo animates an image.
func (c *Client) ImageToVideo(ctx context.Context, model string, image io.Reader, opt *ImageToVideoOptions) (*Blob, error) {
	in, err := mediaCall(TaskImageToVideo, model, image, opt)
	if err != nil {
		return nil, err
	}
	return c.runBlob(ctx, in)
}
