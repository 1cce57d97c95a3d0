package hfhub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Gated is the gating mode of a repository: "" (not gated), "auto" or
// "manual". On the wire the Hub sends false for "not gated".
type Gated string

// Gating modes.
const (
	GatedNone   Gated = ""
	GatedAuto   Gated = "auto"
	GatedManual Gated = "manual"
)

// UnmarshalJSON accepts false, true (read as "auto"), null and strings.
func (g *Gated) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "false", "null":
		*g = GatedNone
		return nil
	case "true":
		*g = GatedAuto
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("gated: %w", err)
	}
	*g = Gated(s)
	return nil
}

// MarshalJSON writes false for GatedNone, as the Hub does.
func (g Gated) MarshalJSON() ([]byte, error) {
	if g == GatedNone {
		return []byte("false"), nil
	}
	return json.Marshal(string(g))
}

// BlobLFS describes the large file behind an LFS pointer in repo info
// siblings (with blobs=true). Note the Hub names the hash "sha256" here and
// "oid" in tree entries.
type BlobLFS struct {
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	PointerSize int64  `json:"pointerSize"`
}

// RepoSibling is one file of a repo as listed in repo info ("siblings").
// Size, BlobID and LFS are set only when files metadata was requested.
type RepoSibling struct {
	RFilename string   `json:"rfilename"`
	Size      int64    `json:"size,omitempty"`
	BlobID    string   `json:"blobId,omitempty"`
	LFS       *BlobLFS `json:"lfs,omitempty"`
}

// SafetensorsSummary is the parameter count of a model's safetensors weights
// in repo info.
type SafetensorsSummary struct {
	Parameters map[string]int64 `json:"parameters"` // per dtype, e.g. "F32"
	Total      int64            `json:"total"`
	// Sharded is set by the Hub on some models.
	Sharded bool `json:"sharded,omitempty"`
}

// GGUFSummary is the GGUF metadata of a model in repo info.
type GGUFSummary struct {
	Total               int64  `json:"total"`
	Architecture        string `json:"architecture,omitempty"`
	ContextLength       int64  `json:"context_length,omitempty"`
	ChatTemplate        string `json:"chat_template,omitempty"`
	BOSToken            string `json:"bos_token,omitempty"`
	EOSToken            string `json:"eos_token,omitempty"`
	QuantizeImatrixFile string `json:"quantize_imatrix_file,omitempty"`
}

// TransformersInfo tells how to load a model with transformers.
type TransformersInfo struct {
	AutoModel   string `json:"auto_model"`
	CustomClass string `json:"custom_class,omitempty"`
	PipelineTag string `json:"pipeline_tag,omitempty"`
	Processor   string `json:"processor,omitempty"`
}

// ModelConfig is the summary of config.json the Hub adds to model info.
// Fields the Hub sends that are not modelled stay in Raw.
type ModelConfig struct {
	Architectures      []string        `json:"architectures,omitempty"`
	ModelType          string          `json:"model_type,omitempty"`
	TokenizerConfig    map[string]any  `json:"tokenizer_config,omitempty"`
	AutoMap            map[string]any  `json:"auto_map,omitempty"`
	QuantizationConfig map[string]any  `json:"quantization_config,omitempty"`
	Diffusers          map[string]any  `json:"diffusers,omitempty"`
	Peft               map[string]any  `json:"peft,omitempty"`
	Raw                json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes c and keeps the raw JSON.
func (c *ModelConfig) UnmarshalJSON(b []byte) error {
	type plain ModelConfig
	p, raw, err := decodeKeepRaw[plain](b)
	if err == nil {
		*c, c.Raw = ModelConfig(p), raw
	}
	return err
}

// InferenceProviderMapping is how one inference provider serves a model.
type InferenceProviderMapping struct {
	Provider           string `json:"provider"`
	HFModelID          string `json:"hfModelId,omitempty"`
	ProviderID         string `json:"providerId"`
	Status             string `json:"status"` // "live" or "staging"
	Task               string `json:"task"`
	AdapterType        string `json:"adapterType,omitempty"`
	AdapterWeightsPath string `json:"adapterWeightsPath,omitempty"`
	Type               string `json:"type,omitempty"`
}

// InferenceProviderMappings lists a model's inference providers. The Hub
// sends an object keyed by provider in model info and a list in listings;
// both decode to this list (sorted by provider for the object form).
type InferenceProviderMappings []InferenceProviderMapping

// UnmarshalJSON accepts the object and the list forms.
func (m *InferenceProviderMappings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*m = nil
		return nil
	}
	if b[0] == '[' {
		var l []InferenceProviderMapping
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*m = l
		return nil
	}
	var obj map[string]InferenceProviderMapping
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	out := make(InferenceProviderMappings, 0, len(obj))
	for k, v := range obj {
		if v.Provider == "" {
			v.Provider = k
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Provider < out[j].Provider })
	*m = out
	return nil
}

// SecurityRepoStatus is the repo-wide scan result (securityStatus=true).
type SecurityRepoStatus struct {
	ScansDone       bool              `json:"scansDone"`
	FilesWithIssues []json.RawMessage `json:"filesWithIssues"`
	Raw             json.RawMessage   `json:"-"`
}

// UnmarshalJSON decodes s and keeps the raw JSON.
func (s *SecurityRepoStatus) UnmarshalJSON(b []byte) error {
	type plain SecurityRepoStatus
	p, raw, err := decodeKeepRaw[plain](b)
	if err == nil {
		*s, s.Raw = SecurityRepoStatus(p), raw
	}
	return err
}

// ModelInfo is a model repository as described by GET /api/models/{id}
// and the listings. Keys absent from the answer (listings, expand) leave
// their zero value; every key the Hub sent is in Raw.
type ModelInfo struct {
	MongoID                  string                    `json:"_id,omitempty"`
	ID                       string                    `json:"id"`
	ModelID                  string                    `json:"modelId,omitempty"`
	Author                   string                    `json:"author,omitempty"`
	SHA                      string                    `json:"sha,omitempty"`
	CreatedAt                *time.Time                `json:"createdAt,omitempty"`
	LastModified             *time.Time                `json:"lastModified,omitempty"`
	Private                  bool                      `json:"private"`
	Gated                    Gated                     `json:"gated"`
	Disabled                 bool                      `json:"disabled,omitempty"`
	Downloads                int64                     `json:"downloads"`
	DownloadsAllTime         int64                     `json:"downloadsAllTime,omitempty"`
	Likes                    int64                     `json:"likes"`
	TrendingScore            float64                   `json:"trendingScore,omitempty"`
	LibraryName              string                    `json:"library_name,omitempty"`
	PipelineTag              string                    `json:"pipeline_tag,omitempty"`
	MaskToken                string                    `json:"mask_token,omitempty"`
	Tags                     []string                  `json:"tags,omitempty"`
	Config                   *ModelConfig              `json:"config,omitempty"`
	CardData                 map[string]any            `json:"cardData,omitempty"`
	Siblings                 []RepoSibling             `json:"siblings,omitempty"`
	Spaces                   []string                  `json:"spaces,omitempty"`
	Safetensors              *SafetensorsSummary       `json:"safetensors,omitempty"`
	GGUF                     *GGUFSummary              `json:"gguf,omitempty"`
	TransformersInfo         *TransformersInfo         `json:"transformersInfo,omitempty"`
	ModelIndex               json.RawMessage           `json:"model-index,omitempty"`
	WidgetData               json.RawMessage           `json:"widgetData,omitempty"`
	EvalResults              json.RawMessage           `json:"evalResults,omitempty"`
	BaseModels               json.RawMessage           `json:"baseModels,omitempty"`
	ChildrenModelCount       map[string]int64          `json:"childrenModelCount,omitempty"`
	Inference                string                    `json:"inference,omitempty"`
	InferenceProviderMapping InferenceProviderMappings `json:"inferenceProviderMapping,omitempty"`
	SecurityRepoStatus       *SecurityRepoStatus       `json:"securityRepoStatus,omitempty"`
	UsedStorage              int64                     `json:"usedStorage,omitempty"`
	ResourceGroup            json.RawMessage           `json:"resourceGroup,omitempty"`
	XetEnabled               bool                      `json:"xetEnabled,omitempty"`

	// Raw is the JSON object the Hub sent, for fields not modelled here.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes m and keeps the raw JSON in m.Raw.
func (m *ModelInfo) UnmarshalJSON(b []byte) error {
	type plain ModelInfo
	p, raw, err := decodeKeepRaw[plain](b)
	if err == nil {
		*m, m.Raw = ModelInfo(p), raw
	}
	return err
}

// DatasetInfo is a dataset repository as described by GET
// /api/datasets/{id} and the listings.
type DatasetInfo struct {
	MongoID          string          `json:"_id,omitempty"`
	ID               string          `json:"id"`
	Author           string          `json:"author,omitempty"`
	SHA              string          `json:"sha,omitempty"`
	CreatedAt        *time.Time      `json:"createdAt,omitempty"`
	LastModified     *time.Time      `json:"lastModified,omitempty"`
	Private          bool            `json:"private"`
	Gated            Gated           `json:"gated"`
	Disabled         bool            `json:"disabled,omitempty"`
	Downloads        int64           `json:"downloads"`
	DownloadsAllTime int64           `json:"downloadsAllTime,omitempty"`
	Likes            int64           `json:"likes"`
	TrendingScore    float64         `json:"trendingScore,omitempty"`
	PapersWithCodeID string          `json:"paperswithcode_id,omitempty"`
	Tags             []string        `json:"tags,omitempty"`
	CardData         map[string]any  `json:"cardData,omitempty"`
	Siblings         []RepoSibling   `json:"siblings,omitempty"`
	Citation         string          `json:"citation,omitempty"`
	Description      string          `json:"description,omitempty"`
	MainSize         int64           `json:"mainSize,omitempty"`
	UsedStorage      int64           `json:"usedStorage,omitempty"`
	ResourceGroup    json.RawMessage `json:"resourceGroup,omitempty"`
	XetEnabled       bool            `json:"xetEnabled,omitempty"`

	// Raw is the JSON object the Hub sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes d and keeps the raw JSON in d.Raw.
func (d *DatasetInfo) UnmarshalJSON(b []byte) error {
	type plain DatasetInfo
	p, raw, err := decodeKeepRaw[plain](b)
	if err == nil {
		*d, d.Raw = DatasetInfo(p), raw
	}
	return err
}

// SpaceHardware is the hardware a Space runs on.
type SpaceHardware struct {
	Current   *string `json:"current"`
	Requested *string `json:"requested"`
}

// SpaceReplicas is the replica count of a Space.
type SpaceReplicas struct {
	Current   int `json:"current,omitempty"`
	Requested int `json:"requested,omitempty"`
}

// SpaceDomain is a domain serving a Space.
type SpaceDomain struct {
	Domain string `json:"domain"`
	Stage  string `json:"stage"`
}

// SpaceRuntime is the running state of a Space.
type SpaceRuntime struct {
	Stage        string          `json:"stage"`
	Hardware     *SpaceHardware  `json:"hardware,omitempty"`
	GCTimeout    int64           `json:"gcTimeout,omitempty"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Replicas     *SpaceReplicas  `json:"replicas,omitempty"`
	DevMode      bool            `json:"devMode"`
	Domains      []SpaceDomain   `json:"domains,omitempty"`
	Storage      json.RawMessage `json:"storage,omitempty"`
	SHA          string          `json:"sha,omitempty"`
	Volumes      []Volume        `json:"volumes,omitempty"` // spaces_runtime.go
}

// SpaceInfo is a Space repository as described by GET /api/spaces/{id}
// and the listings.
type SpaceInfo struct {
	MongoID       string          `json:"_id,omitempty"`
	ID            string          `json:"id"`
	Author        string          `json:"author,omitempty"`
	SHA           string          `json:"sha,omitempty"`
	CreatedAt     *time.Time      `json:"createdAt,omitempty"`
	LastModified  *time.Time      `json:"lastModified,omitempty"`
	Private       bool            `json:"private"`
	Gated         Gated           `json:"gated"`
	Disabled      bool            `json:"disabled,omitempty"`
	Likes         int64           `json:"likes"`
	TrendingScore float64         `json:"trendingScore,omitempty"`
	SDK           string          `json:"sdk,omitempty"`
	Host          string          `json:"host,omitempty"`
	Subdomain     string          `json:"subdomain,omitempty"`
	Region        string          `json:"region,omitempty"`
	Tags          []string        `json:"tags,omitempty"`
	CardData      map[string]any  `json:"cardData,omitempty"`
	Siblings      []RepoSibling   `json:"siblings,omitempty"`
	Runtime       *SpaceRuntime   `json:"runtime,omitempty"`
	Models        []string        `json:"models,omitempty"`
	Datasets      []string        `json:"datasets,omitempty"`
	UsedStorage   int64           `json:"usedStorage,omitempty"`
	ResourceGroup json.RawMessage `json:"resourceGroup,omitempty"`
	XetEnabled    bool            `json:"xetEnabled,omitempty"`

	// Raw is the JSON object the Hub sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes s and keeps the raw JSON in s.Raw.
func (s *SpaceInfo) UnmarshalJSON(b []byte) error {
	type plain SpaceInfo
	p, raw, err := decodeKeepRaw[plain](b)
	if err == nil {
		*s, s.Raw = SpaceInfo(p), raw
	}
	return err
}

// RepoInfo is the type-independent view of a repository returned by
// [Client.RepoInfo]: exactly one of Model, Dataset and Space is set.
type RepoInfo struct {
	Type    RepoType
	Model   *ModelInfo
	Dataset *DatasetInfo
	Space   *SpaceInfo
}

// ID returns the repo id.
func (r *RepoInfo) ID() string {
	switch {
	case r.Model != nil:
		return r.Model.ID
	case r.Dataset != nil:
		return r.Dataset.ID
	case r.Space != nil:
		return r.Space.ID
	}
	return ""
}

// SHA returns the commit the requested revision resolved to.
func (r *RepoInfo) SHA() string {
	switch {
	case r.Model != nil:
		return r.Model.SHA
	case r.Dataset != nil:
		return r.Dataset.SHA
	case r.Space != nil:
		return r.Space.SHA
	}
	return ""
}

// Files returns the siblings (files) of the repository.
func (r *RepoInfo) Files() []RepoSibling {
	switch {
	case r.Model != nil:
		return r.Model.Siblings
	case r.Dataset != nil:
		return r.Dataset.Siblings
	case r.Space != nil:
		return r.Space.Siblings
	}
	return nil
}

// Private reports whether the repository is private.
func (r *RepoInfo) Private() bool {
	switch {
	case r.Model != nil:
		return r.Model.Private
	case r.Dataset != nil:
		return r.Dataset.Private
	case r.Space != nil:
		return r.Space.Private
	}
	return false
}

// Raw returns the JSON the Hub sent.
func (r *RepoInfo) Raw() json.RawMessage {
	switch {
	case r.Model != nil:
		return r.Model.Raw
	case r.Dataset != nil:
		return r.Dataset.Raw
	case r.Space != nil:
		return r.Space.Raw
	}
	return nil
}

// decodeKeepRaw decodes b into a fresh P (the caller's type without its
// UnmarshalJSON method, so decoding does not recurse) and returns it with a
// copy of b for the type's Raw field: every key the Hub sent stays
// available, modelled or not.
func decodeKeepRaw[P any](b []byte) (P, json.RawMessage, error) {
	var p P
	if err := json.Unmarshal(b, &p); err != nil {
		return p, nil, err
	}
	return p, append(json.RawMessage(nil), b...), nil
}
