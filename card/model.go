package card

import "go.yaml.in/yaml/v3"

// ModelData is the metadata of a model card. Field names follow the Hub's
// model card specification; see
// https://huggingface.co/docs/hub/model-cards#model-card-metadata.
// The zero value is empty metadata.
type ModelData struct {
	// Language lists ISO 639 language codes ("en", "fr").
	Language StringList
	// License is a license identifier ("apache-2.0", "mit", "other").
	License string
	// LicenseName names a license when License is "other".
	LicenseName string
	// LicenseLink links to the license text when License is "other".
	LicenseLink string
	// LibraryName is the library that loads the model ("transformers").
	LibraryName string
	// Tags are free-form tags.
	Tags StringList
	// BaseModel lists the models this one was fine-tuned, quantized or
	// merged from.
	BaseModel StringList
	// Datasets lists the ids of the datasets the model was trained on.
	Datasets StringList
	// Metrics lists metric ids ("accuracy").
	Metrics StringList
	// PipelineTag is the task shown on the Hub ("text-classification").
	PipelineTag string
	// ModelIndex holds evaluation results (the "model-index" key).
	ModelIndex []ModelIndex
	Extras
}

func (d *ModelData) fields() []field {
	return []field{
		{key: "language", ptr: &d.Language},
		{key: "license", ptr: &d.License},
		{key: "license_name", ptr: &d.LicenseName},
		{key: "license_link", ptr: &d.LicenseLink},
		{key: "library_name", ptr: &d.LibraryName},
		{key: "tags", ptr: &d.Tags},
		{key: "base_model", ptr: &d.BaseModel},
		{key: "datasets", ptr: &d.Datasets},
		{key: "metrics", ptr: &d.Metrics},
		{key: "pipeline_tag", ptr: &d.PipelineTag},
		{key: "model-index", ptr: &d.ModelIndex},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *ModelData) UnmarshalYAML(n *yaml.Node) error {
	return decodeMapping(n, d.fields(), &d.Extras)
}

// MarshalYAML implements yaml.Marshaler.
func (d ModelData) MarshalYAML() (any, error) { return encodeMapping(d.fields(), &d.Extras) }

// ModelIndex is one entry of "model-index": a model and its results.
type ModelIndex struct {
	// Name is the model name.
	Name string
	// Results are the evaluation results.
	Results []Result
	Extras
}

func (m *ModelIndex) fields() []field {
	return []field{{key: "name", ptr: &m.Name}, {key: "results", ptr: &m.Results}}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (m *ModelIndex) UnmarshalYAML(n *yaml.Node) error {
	return decodeMapping(n, m.fields(), &m.Extras)
}

// MarshalYAML implements yaml.Marshaler.
func (m ModelIndex) MarshalYAML() (any, error) { return encodeMapping(m.fields(), &m.Extras) }

// Result is one evaluation: a task on a dataset, with metrics.
type Result struct {
	Task    Task
	Dataset EvalDataset
	Metrics []Metric
	// Source says where the result comes from; nil when not given.
	Source *Source
	Extras
}

func (r *Result) fields() []field {
	return []field{
		{key: "task", ptr: &r.Task},
		{key: "dataset", ptr: &r.Dataset},
		{key: "metrics", ptr: &r.Metrics},
		{key: "source", ptr: &r.Source},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (r *Result) UnmarshalYAML(n *yaml.Node) error { return decodeMapping(n, r.fields(), &r.Extras) }

// MarshalYAML implements yaml.Marshaler.
func (r Result) MarshalYAML() (any, error) { return encodeMapping(r.fields(), &r.Extras) }

// Task is the task of an evaluation result.
type Task struct {
	// Type is the task id ("text-classification").
	Type string
	// Name is a pretty name ("Text Classification").
	Name string
	Extras
}

func (t *Task) fields() []field {
	return []field{{key: "type", ptr: &t.Type}, {key: "name", ptr: &t.Name}}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (t *Task) UnmarshalYAML(n *yaml.Node) error { return decodeMapping(n, t.fields(), &t.Extras) }

// MarshalYAML implements yaml.Marshaler.
func (t Task) MarshalYAML() (any, error) { return encodeMapping(t.fields(), &t.Extras) }

// EvalDataset is the dataset of an evaluation result.
type EvalDataset struct {
	// Type is the dataset id on the Hub ("nyu-mll/glue").
	Type string
	// Name is a pretty name.
	Name     string
	Config   string
	Split    string
	Revision string
	// Args are extra arguments passed when loading the dataset.
	Args any
	Extras
}

func (d *EvalDataset) fields() []field {
	return []field{
		{key: "type", ptr: &d.Type},
		{key: "name", ptr: &d.Name},
		{key: "config", ptr: &d.Config},
		{key: "split", ptr: &d.Split},
		{key: "revision", ptr: &d.Revision},
		{key: "args", ptr: &d.Args},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *EvalDataset) UnmarshalYAML(n *yaml.Node) error {
	return decodeMapping(n, d.fields(), &d.Extras)
}

// MarshalYAML implements yaml.Marshaler.
func (d EvalDataset) MarshalYAML() (any, error) { return encodeMapping(d.fields(), &d.Extras) }

// Metric is one measured value of an evaluation result.
type Metric struct {
	// Type is the metric id ("accuracy").
	Type string
	// Value is the measured value: usually a number, sometimes a string.
	Value any
	// Name is a pretty name.
	Name   string
	Config string
	Args   any
	// Verified is true when the Hub computed the value itself.
	Verified    bool
	VerifyToken string
	Extras
}

func (m *Metric) fields() []field {
	return []field{
		{key: "type", ptr: &m.Type},
		{key: "value", ptr: &m.Value},
		{key: "name", ptr: &m.Name},
		{key: "config", ptr: &m.Config},
		{key: "args", ptr: &m.Args},
		{key: "verified", ptr: &m.Verified},
		{key: "verifyToken", ptr: &m.VerifyToken},
	}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (m *Metric) UnmarshalYAML(n *yaml.Node) error { return decodeMapping(n, m.fields(), &m.Extras) }

// MarshalYAML implements yaml.Marshaler.
func (m Metric) MarshalYAML() (any, error) { return encodeMapping(m.fields(), &m.Extras) }

// Source says where an evaluation result comes from.
type Source struct {
	Name string
	URL  string
	Extras
}

func (s *Source) fields() []field {
	return []field{{key: "name", ptr: &s.Name}, {key: "url", ptr: &s.URL}}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *Source) UnmarshalYAML(n *yaml.Node) error { return decodeMapping(n, s.fields(), &s.Extras) }

// MarshalYAML implements yaml.Marshaler.
func (s Source) MarshalYAML() (any, error) { return encodeMapping(s.fields(), &s.Extras) }

// EvalResult is one metric of one evaluation, flattened as in the Python
// client's EvalResult.
type EvalResult struct {
	ModelName       string
	TaskType        string
	TaskName        string
	DatasetType     string
	DatasetName     string
	DatasetConfig   string
	DatasetSplit    string
	DatasetRevision string
	DatasetArgs     any
	MetricType      string
	MetricValue     any
	MetricName      string
	MetricConfig    string
	MetricArgs      any
	Verified        bool
	VerifyToken     string
	SourceName      string
	SourceURL       string
}

// EvalResults flattens ModelIndex into one EvalResult per metric.
func (d *ModelData) EvalResults() []EvalResult {
	var out []EvalResult
	for _, mi := range d.ModelIndex {
		for _, r := range mi.Results {
			for _, m := range r.Metrics {
				e := EvalResult{
					ModelName: mi.Name,
					TaskType:  r.Task.Type, TaskName: r.Task.Name,
					DatasetType: r.Dataset.Type, DatasetName: r.Dataset.Name,
					DatasetConfig: r.Dataset.Config, DatasetSplit: r.Dataset.Split,
					DatasetRevision: r.Dataset.Revision, DatasetArgs: r.Dataset.Args,
					MetricType: m.Type, MetricValue: m.Value, MetricName: m.Name,
					MetricConfig: m.Config, MetricArgs: m.Args,
					Verified: m.Verified, VerifyToken: m.VerifyToken,
				}
				if r.Source != nil {
					e.SourceName, e.SourceURL = r.Source.Name, r.Source.URL
				}
				out = append(out, e)
			}
		}
	}
	return out
}
