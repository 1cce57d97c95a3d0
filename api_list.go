package hfhub

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// ListOptions holds what every listing accepts. Embedded in the per-type
// options.
type ListOptions struct {
	Search string   // substring of the repo id
	Author string   // user or organisation
	Filter []string // tags, e.g. "text-classification", "license:mit"
	// Sort is "downloads", "likes", "trending_score" (or "trendingScore"),
	// "last_modified" (or "lastModified") or "created_at" (or "createdAt").
	Sort string
	// Direction -1 sorts descending (the Hub's default for Sort); 1
	// ascending. Zero sends nothing.
	Direction int
	// Limit stops after this many items (also sent as the page size hint).
	// Zero: everything.
	Limit int
	// Full returns all properties, including siblings (not with Expand).
	Full bool
	// Expand asks for exactly these properties (not with Full, CardData or
	// FetchConfig).
	Expand []string
}

var sortKeys = map[string]string{
	"last_modified":  "lastModified",
	"trending_score": "trendingScore",
	"created_at":     "createdAt",
}

func (o *ListOptions) addTo(q url.Values, exclusive bool) error {
	if len(o.Expand) > 0 && (o.Full || exclusive) {
		return fmt.Errorf("%w: Expand cannot be combined with Full, CardData or FetchConfig: list the properties in Expand instead", ErrValidation)
	}
	if o.Limit < 0 {
		return fmt.Errorf("%w: negative Limit %d", ErrValidation, o.Limit)
	}
	if o.Search != "" {
		q.Set("search", o.Search)
	}
	if o.Author != "" {
		q.Set("author", o.Author)
	}
	for _, f := range o.Filter {
		q.Add("filter", f)
	}
	if o.Sort != "" {
		s := o.Sort
		if m, ok := sortKeys[s]; ok {
			s = m
		}
		q.Set("sort", s)
	}
	if o.Direction != 0 {
		q.Set("direction", strconv.Itoa(o.Direction))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Full {
		q.Set("full", "true")
	}
	for _, e := range o.Expand {
		q.Add("expand", e)
	}
	return nil
}

// ListModelsOptions filters [Client.ListModels]. A nil pointer lists every
// model.
type ListModelsOptions struct {
	ListOptions
	ModelName         string   // also searched (Python's model_name)
	Library           []string // e.g. "transformers", added to filter
	Language          []string // e.g. "en", added to filter
	Task              []string // e.g. "fill-mask", added to filter
	Tags              []string // added to filter
	TrainedDataset    []string // added to filter as "dataset:<x>"
	PipelineTag       string
	Gated             *bool    // only gated (true) or only non-gated (false)
	Apps              []string // e.g. "ollama", "llama.cpp"
	Inference         string   // "warm"
	InferenceProvider []string // e.g. "together"
	NumParameters     string   // e.g. "min:6B,max:128B"
	CardData          bool     // include cardData
	FetchConfig       bool     // include config
}

func (o *ListModelsOptions) query() (url.Values, int, error) {
	q := url.Values{}
	if o == nil {
		return q, 0, nil
	}
	if err := o.ListOptions.addTo(q, o.CardData || o.FetchConfig); err != nil {
		return nil, 0, err
	}
	if o.ModelName != "" {
		q.Add("search", o.ModelName)
	}
	for _, group := range [][]string{o.Library, o.Language, o.Task, o.Tags} {
		for _, v := range group {
			q.Add("filter", v)
		}
	}
	addPrefixedFilters(q, "dataset", o.TrainedDataset)
	if o.PipelineTag != "" {
		q.Set("pipeline_tag", o.PipelineTag)
	}
	if o.Gated != nil {
		q.Set("gated", strconv.FormatBool(*o.Gated))
	}
	for _, a := range o.Apps {
		q.Add("apps", a)
	}
	if o.Inference != "" {
		q.Set("inference", o.Inference)
	}
	for _, p := range o.InferenceProvider {
		q.Add("inference_provider", p)
	}
	if o.NumParameters != "" {
		q.Set("num_parameters", o.NumParameters)
	}
	if o.CardData {
		q.Set("cardData", "true")
	}
	if o.FetchConfig {
		q.Set("config", "true")
	}
	return q, o.Limit, nil
}

// ListModels returns the models matching opts, fetching pages as the loop
// advances; breaking out of the loop stops fetching. Hub API: GET
// /api/models (pages through Link rel="next").
func (c *Client) ListModels(ctx context.Context, opts *ListModelsOptions) iter.Seq2[*ModelInfo, error] {
	q, limit, err := opts.query()
	if err != nil {
		return fail[*ModelInfo](err)
	}
	return paginate[*ModelInfo](ctx, c, c.apiURL("models"), q, limit)
}

// ListDatasetsOptions filters [Client.ListDatasets]. A nil pointer lists
// every dataset.
type ListDatasetsOptions struct {
	ListOptions
	DatasetName      string   // also searched
	Benchmark        []string // "official" or a benchmark name; filter "benchmark:<x>"
	LanguageCreators []string // filter "language_creators:<x>"
	Language         []string // filter "language:<x>"
	Multilinguality  []string // filter "multilinguality:<x>"
	SizeCategories   []string // filter "size_categories:<x>"
	TaskCategories   []string // filter "task_categories:<x>"
	TaskIDs          []string // filter "task_ids:<x>"
	Tags             []string // added to filter
	Gated            *bool
	CardData         bool // include cardData (Python's full for datasets)
}

func (o *ListDatasetsOptions) query() (url.Values, int, error) {
	q := url.Values{}
	if o == nil {
		return q, 0, nil
	}
	if err := o.ListOptions.addTo(q, o.CardData); err != nil {
		return nil, 0, err
	}
	if o.DatasetName != "" {
		q.Add("search", o.DatasetName)
	}
	addPrefixedFilters(q, "benchmark", o.Benchmark)
	addPrefixedFilters(q, "language_creators", o.LanguageCreators)
	addPrefixedFilters(q, "language", o.Language)
	addPrefixedFilters(q, "multilinguality", o.Multilinguality)
	addPrefixedFilters(q, "size_categories", o.SizeCategories)
	addPrefixedFilters(q, "task_categories", o.TaskCategories)
	addPrefixedFilters(q, "task_ids", o.TaskIDs)
	for _, t := range o.Tags {
		q.Add("filter", t)
	}
	if o.Gated != nil {
		q.Set("gated", strconv.FormatBool(*o.Gated))
	}
	if o.CardData {
		q.Set("cardData", "true")
	}
	return q, o.Limit, nil
}

// addPrefixedFilters adds each value as a filter "key:value", unless it
// already starts with "key:".
func addPrefixedFilters(q url.Values, key string, vals []string) {
	for _, v := range vals {
		if !strings.HasPrefix(v, key+":") {
			v = key + ":" + v
		}
		q.Add("filter", v)
	}
}

// ListDatasets returns the datasets matching opts, lazily. Hub API: GET
// /api/datasets.
func (c *Client) ListDatasets(ctx context.Context, opts *ListDatasetsOptions) iter.Seq2[*DatasetInfo, error] {
	q, limit, err := opts.query()
	if err != nil {
		return fail[*DatasetInfo](err)
	}
	return paginate[*DatasetInfo](ctx, c, c.apiURL("datasets"), q, limit)
}

// ListSpacesOptions filters [Client.ListSpaces]. A nil pointer lists every
// Space.
type ListSpacesOptions struct {
	ListOptions
	Datasets []string // Spaces using these datasets
	Models   []string // Spaces using these models
	Linked   bool     // only Spaces linked to a model or dataset
}

func (o *ListSpacesOptions) query() (url.Values, int, error) {
	q := url.Values{}
	if o == nil {
		return q, 0, nil
	}
	if err := o.ListOptions.addTo(q, false); err != nil {
		return nil, 0, err
	}
	for _, d := range o.Datasets {
		q.Add("datasets", d)
	}
	for _, m := range o.Models {
		q.Add("models", m)
	}
	if o.Linked {
		q.Set("linked", "true")
	}
	return q, o.Limit, nil
}

// ListSpaces returns the Spaces matching opts, lazily. Hub API: GET
// /api/spaces.
func (c *Client) ListSpaces(ctx context.Context, opts *ListSpacesOptions) iter.Seq2[*SpaceInfo, error] {
	q, limit, err := opts.query()
	if err != nil {
		return fail[*SpaceInfo](err)
	}
	return paginate[*SpaceInfo](ctx, c, c.apiURL("spaces"), q, limit)
}
