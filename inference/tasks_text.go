package inference

import (
	"context"
	"encoding/json"
	"fmt"
)

// CallOptions are the options every task method accepts (embedded in each
// task's options struct).
type CallOptions struct {
	// ExtraBody is merged into the request body (provider-specific keys).
	ExtraBody map[string]any `json:"-"`
	// Meta, when set, receives the response's metadata.
	Meta *Meta `json:"-"`
}

func (o *CallOptions) callOpts() *CallOptions {
	if o == nil {
		return &CallOptions{}
	}
	return o
}

// taskParams is an options struct: its JSON fields are the task's
// parameters.
type taskParams interface{ callOpts() *CallOptions }

// newCall builds a call from an options struct (nil allowed).
func newCall[O any, P interface {
	*O
	taskParams
}](task Task, model string, inputs any, opt P) (*call, error) {
	in := &call{task: task, model: model, inputs: inputs, params: map[string]any{}}
	if opt != nil {
		m, err := toMap(opt)
		if err != nil {
			return nil, err
		}
		co := opt.callOpts()
		in.params, in.extra, in.meta = m, co.ExtraBody, co.Meta
	}
	return in, nil
}

// runJSON runs a call and decodes its JSON answer into v.
func (c *Client) runJSON(ctx context.Context, in *call, v any) error {
	out, err := c.run(ctx, in)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out.json, v); err != nil {
		return badResponse("%s answer: %v: %.300s", in.task, err, out.json)
	}
	return nil
}

// ---- feature extraction and similarity

// FeatureExtractionOptions are the feature-extraction parameters.
type FeatureExtractionOptions struct {
	CallOptions
	Normalize           *bool  `json:"normalize,omitempty"`
	PromptName          string `json:"prompt_name,omitempty"`
	Truncate            *bool  `json:"truncate,omitempty"`
	TruncationDirection string `json:"truncation_direction,omitempty"` // left or right
	// Dimensions and EncodingFormat are for OpenAI-style providers.
	Dimensions     *int   `json:"dimensions,omitempty"`
	EncodingFormat string `json:"encoding_format,omitempty"`
}

// FeatureExtraction returns the embeddings of one text: a tensor whose
// shape depends on the model ([384] pooled, [1][8][768] per token, …).
// Use [Tensor.Embeddings] for pooled vectors.
func (c *Client) FeatureExtraction(ctx context.Context, model, text string, opt *FeatureExtractionOptions) (*Tensor, error) {
	return c.featureExtraction(ctx, model, text, opt)
}

// Embeddings returns one pooled vector per text (a model that answers per
// token gives [ErrBadResponse]; use FeatureExtraction then).
func (c *Client) Embeddings(ctx context.Context, model string, texts []string, opt *FeatureExtractionOptions) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, fmt.Errorf("%w: Embeddings needs at least one text", ErrInvalidInput)
	}
	t, err := c.featureExtraction(ctx, model, texts, opt)
	if err != nil {
		return nil, err
	}
	if len(t.Shape) == 1 && len(texts) == 1 {
		t.Shape = []int{1, t.Shape[0]}
	}
	return t.Embeddings()
}

func (c *Client) featureExtraction(ctx context.Context, model string, inputs any, opt *FeatureExtractionOptions) (*Tensor, error) {
	in, err := newCall(TaskFeatureExtraction, model, inputs, opt)
	if err != nil {
		return nil, err
	}
	var t Tensor
	if err := c.runJSON(ctx, in, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// SentenceSimilarity scores each of sentences against source (cosine
// similarity of their embeddings).
func (c *Client) SentenceSimilarity(ctx context.Context, model, source string, sentences []string, opt *CallOptions) ([]float64, error) {
	in := &call{task: TaskSentenceSimilarity, model: model, params: map[string]any{},
		inputs: map[string]any{"source_sentence": source, "sentences": sentences}}
	in.extra, in.meta = opt.callOpts().ExtraBody, opt.callOpts().Meta
	var out []float64
	return out, c.runJSON(ctx, in, &out)
}

// ---- classification

// ClassificationOutput is a label with its score (text, image, audio
// classification; zero-shot).
type ClassificationOutput struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// TextClassificationOptions are the text-classification parameters.
type TextClassificationOptions struct {
	CallOptions
	TopK            *int   `json:"top_k,omitempty"`
	FunctionToApply string `json:"function_to_apply,omitempty"` // sigmoid, softmax, none
}

// TextClassification labels a text ([[{label, score}]] unwrapped).
func (c *Client) TextClassification(ctx context.Context, model, text string, opt *TextClassificationOptions) ([]ClassificationOutput, error) {
	in, err := newCall(TaskTextClassification, model, text, opt)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := c.runJSON(ctx, in, &raw); err != nil {
		return nil, err
	}
	var nested [][]ClassificationOutput
	if json.Unmarshal(raw, &nested) == nil {
		if len(nested) == 0 {
			return nil, nil
		}
		return nested[0], nil
	}
	var flat []ClassificationOutput
	if err := json.Unmarshal(raw, &flat); err != nil {
		return nil, badResponse("text classification: %v", err)
	}
	return flat, nil
}

// TokenClassificationOptions are the token-classification parameters.
type TokenClassificationOptions struct {
	CallOptions
	AggregationStrategy string   `json:"aggregation_strategy,omitempty"` // none, simple, first, average, max
	IgnoreLabels        []string `json:"ignore_labels,omitempty"`
	Stride              *int     `json:"stride,omitempty"`
}

// TokenEntity is one recognised entity. EntityGroup is set when
// aggregated, Entity otherwise.
type TokenEntity struct {
	EntityGroup string  `json:"entity_group,omitempty"`
	Entity      string  `json:"entity,omitempty"`
	Score       float64 `json:"score"`
	Word        string  `json:"word"`
	Start       *int    `json:"start,omitempty"`
	End         *int    `json:"end,omitempty"`
}

// TokenClassification finds entities in a text.
func (c *Client) TokenClassification(ctx context.Context, model, text string, opt *TokenClassificationOptions) ([]TokenEntity, error) {
	in, err := newCall(TaskTokenClassification, model, text, opt)
	if err != nil {
		return nil, err
	}
	var out []TokenEntity
	return out, c.runJSON(ctx, in, &out)
}

// ZeroShotClassificationOptions are the zero-shot parameters.
type ZeroShotClassificationOptions struct {
	CallOptions
	MultiLabel         *bool  `json:"multi_label,omitempty"`
	HypothesisTemplate string `json:"hypothesis_template,omitempty"`
}

// ZeroShotClassification scores a text against candidate labels.
func (c *Client) ZeroShotClassification(ctx context.Context, model, text string, labels []string, opt *ZeroShotClassificationOptions) ([]ClassificationOutput, error) {
	if len(labels) == 0 {
		return nil, fmt.Errorf("%w: zero-shot classification needs candidate labels", ErrInvalidInput)
	}
	in, err := newCall(TaskZeroShotClassification, model, text, opt)
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

// decodeLabelScores accepts [{label, score}] and the older
// {"labels":[…],"scores":[…]}.
func decodeLabelScores(raw []byte) ([]ClassificationOutput, error) {
	var list []ClassificationOutput
	if json.Unmarshal(raw, &list) == nil {
		return list, nil
	}
	var old struct {
		Labels []string  `json:"labels"`
		Scores []float64 `json:"scores"`
	}
	if err := json.Unmarshal(raw, &old); err != nil || len(old.Labels) != len(old.Scores) {
		return nil, badResponse("zero-shot answer: %.200s", raw)
	}
	for i := range old.Labels {
		list = append(list, ClassificationOutput{Label: old.Labels[i], Score: old.Scores[i]})
	}
	return list, nil
}

// ---- fill-mask, question answering

// FillMaskOptions are the fill-mask parameters.
type FillMaskOptions struct {
	CallOptions
	Targets []string `json:"targets,omitempty"`
	TopK    *int     `json:"top_k,omitempty"`
}

// FillMaskOutput is one candidate for the mask.
type FillMaskOutput struct {
	Score    float64 `json:"score"`
	Token    int     `json:"token"`
	TokenStr string  `json:"token_str"`
	Sequence string  `json:"sequence"`
}

// FillMask fills the mask token of text.
func (c *Client) FillMask(ctx context.Context, model, text string, opt *FillMaskOptions) ([]FillMaskOutput, error) {
	in, err := newCall(TaskFillMask, model, text, opt)
	if err != nil {
		return nil, err
	}
	var out []FillMaskOutput
	return out, c.runJSON(ctx, in, &out)
}

// QuestionAnsweringOptions are the question-answering parameters.
type QuestionAnsweringOptions struct {
	CallOptions
	AlignToWords           *bool `json:"align_to_words,omitempty"`
	DocStride              *int  `json:"doc_stride,omitempty"`
	HandleImpossibleAnswer *bool `json:"handle_impossible_answer,omitempty"`
	MaxAnswerLen           *int  `json:"max_answer_len,omitempty"`
	MaxQuestionLen         *int  `json:"max_question_len,omitempty"`
	MaxSeqLen              *int  `json:"max_seq_len,omitempty"`
	TopK                   *int  `json:"top_k,omitempty"`
}

// Answer is an extractive answer with its span.
type Answer struct {
	Answer string  `json:"answer"`
	Score  float64 `json:"score"`
	Start  int     `json:"start"`
	End    int     `json:"end"`
}

// QuestionAnswering answers question from context (one answer, or TopK).
func (c *Client) QuestionAnswering(ctx context.Context, model, question, context_ string, opt *QuestionAnsweringOptions) ([]Answer, error) {
	in, err := newCall(TaskQuestionAnswering, model, map[string]any{"question": question, "context": context_}, opt)
	if err != nil {
		return nil, err
	}
	return c.answers(ctx, in)
}

func (c *Client) answers(ctx context.Context, in *call) ([]Answer, error) {
	var raw json.RawMessage
	if err := c.runJSON(ctx, in, &raw); err != nil {
		return nil, err
	}
	var list []Answer
	if json.Unmarshal(raw, &list) == nil {
		return list, nil
	}
	var one Answer
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, badResponse("%s answer: %.200s", in.task, raw)
	}
	return []Answer{one}, nil
}

// TableQuestionAnsweringOptions are the table-QA parameters.
type TableQuestionAnsweringOptions struct {
	CallOptions
	Padding    string `json:"padding,omitempty"` // do_not_pad, longest, max_length
	Sequential *bool  `json:"sequential,omitempty"`
	Truncation *bool  `json:"truncation,omitempty"`
}

// TableAnswer is a table-QA answer.
type TableAnswer struct {
	Answer      string   `json:"answer"`
	Coordinates [][]int  `json:"coordinates"`
	Cells       []string `json:"cells"`
	Aggregator  string   `json:"aggregator,omitempty"`
}

// TableQuestionAnswering answers query over table (column name → cells).
func (c *Client) TableQuestionAnswering(ctx context.Context, model string, table map[string][]string, query string, opt *TableQuestionAnsweringOptions) (*TableAnswer, error) {
	in, err := newCall(TaskTableQuestionAnswering, model, map[string]any{"query": query, "table": table}, opt)
	if err != nil {
		return nil, err
	}
	var out TableAnswer
	return &out, c.runJSON(ctx, in, &out)
}

// ---- summarization, translation

// SummarizationOptions are the summarization parameters.
type SummarizationOptions struct {
	CallOptions
	CleanUpTokenizationSpaces *bool          `json:"clean_up_tokenization_spaces,omitempty"`
	Truncation                string         `json:"truncation,omitempty"` // do_not_truncate, longest_first, only_first, only_second
	GenerateParameters        map[string]any `json:"generate_parameters,omitempty"`
}

// Summarization summarises a text.
func (c *Client) Summarization(ctx context.Context, model, text string, opt *SummarizationOptions) (string, error) {
	in, err := newCall(TaskSummarization, model, text, opt)
	if err != nil {
		return "", err
	}
	var out struct {
		SummaryText string `json:"summary_text"`
	}
	return out.SummaryText, c.decodeFirstOf(ctx, in, &out)
}

// TranslationOptions are the translation parameters. SrcLang and TgtLang
// go together (e.g. en_XX and fr_XX for mBART).
type TranslationOptions struct {
	CallOptions
	SrcLang                   string         `json:"src_lang,omitempty"`
	TgtLang                   string         `json:"tgt_lang,omitempty"`
	CleanUpTokenizationSpaces *bool          `json:"clean_up_tokenization_spaces,omitempty"`
	Truncation                string         `json:"truncation,omitempty"`
	GenerateParameters        map[string]any `json:"generate_parameters,omitempty"`
}

// Translation translates a text.
func (c *Client) Translation(ctx context.Context, model, text string, opt *TranslationOptions) (string, error) {
	if opt != nil && (opt.SrcLang == "") != (opt.TgtLang == "") {
		return "", fmt.Errorf("%w: give both SrcLang and TgtLang, or neither", ErrInvalidInput)
	}
	in, err := newCall(TaskTranslation, model, text, opt)
	if err != nil {
		return "", err
	}
	var out struct {
		TranslationText string `json:"translation_text"`
	}
	return out.TranslationText, c.decodeFirstOf(ctx, in, &out)
}

func (c *Client) decodeFirstOf(ctx context.Context, in *call, v any) error {
	out, err := c.run(ctx, in)
	if err != nil {
		return err
	}
	if err := decodeFirst(out.json, v); err != nil {
		return badResponse("%s answer: %v: %.200s", in.task, err, out.json)
	}
	return nil
}

// ---- tabular

// TabularClassification predicts a class per row of table (column name →
// cells).
func (c *Client) TabularClassification(ctx context.Context, model string, table map[string][]string, opt *CallOptions) ([]string, error) {
	in := c.tabular(TaskTabularClassification, model, table, opt)
	var raw []json.RawMessage
	if err := c.runJSON(ctx, in, &raw); err != nil {
		return nil, err
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		var s string
		if json.Unmarshal(r, &s) != nil {
			s = string(r) // a number label
		}
		out[i] = s
	}
	return out, nil
}

// TabularRegression predicts a value per row of table.
func (c *Client) TabularRegression(ctx context.Context, model string, table map[string][]string, opt *CallOptions) ([]float64, error) {
	in := c.tabular(TaskTabularRegression, model, table, opt)
	var out []float64
	return out, c.runJSON(ctx, in, &out)
}

func (c *Client) tabular(task Task, model string, table map[string][]string, opt *CallOptions) *call {
	extra := map[string]any{"table": table}
	for k, v := range opt.callOpts().ExtraBody {
		extra[k] = v
	}
	return &call{task: task, model: model, params: map[string]any{}, extra: extra, meta: opt.callOpts().Meta}
}
