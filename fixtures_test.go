package hfhub

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// recording is one recorded exchange of testdata/recorded.
type recording struct {
	Request struct {
		Method string `json:"method"`
		Path   string `json:"path"`
	} `json:"request"`
	Response struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		JSON    json.RawMessage   `json:"json"`
		Text    string            `json:"text"`
	} `json:"response"`
	Final *struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
	} `json:"final"`
}

func loadRecording(t *testing.T, name string) recording {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "recorded", name))
	if err != nil {
		t.Fatal(err)
	}
	var r recording
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// assertCovered fails for every JSON key in v that typ does not model (no
// struct field with that json name). Maps of any, json.RawMessage and
// custom unmarshalers of non-struct kinds count as modelled.
func assertCovered(t *testing.T, where string, v any, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ == reflect.TypeFor[json.RawMessage]() || typ.Kind() == reflect.Interface {
		return
	}
	ours := typ.PkgPath() == reflect.TypeFor[Client]().PkgPath()
	if (typ.Kind() != reflect.Struct || !ours) && reflect.PointerTo(typ).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return
	}
	switch typ.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			if v != nil {
				t.Errorf("%s: got %T, want an object", where, v)
			}
			return
		}
		fields := map[string]reflect.StructField{}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields[name] = f
		}
		for k, sub := range obj {
			f, ok := fields[k]
			if !ok {
				t.Errorf("%s: key %q is not modelled by %s", where, k, typ)
				continue
			}
			assertCovered(t, where+"."+k, sub, f.Type)
		}
	case reflect.Slice, reflect.Array:
		if list, ok := v.([]any); ok {
			for i, e := range list {
				if i > 3 {
					break
				}
				assertCovered(t, where+"[]", e, typ.Elem())
			}
		}
	case reflect.Map:
		if obj, ok := v.(map[string]any); ok {
			for k, e := range obj {
				assertCovered(t, where+"."+k, e, typ.Elem())
			}
		}
	}
}

func TestDecodeRecordedResponses(t *testing.T) {
	tests := []struct {
		file string
		into func() any
	}{
		{"models.info.json", func() any { return new(ModelInfo) }},
		{"models.revision.json", func() any { return new(ModelInfo) }},
		{"models.list.json", func() any { return new([]*ModelInfo) }},
		{"datasets.info.json", func() any { return new(DatasetInfo) }},
		{"spaces.info.json", func() any { return new(SpaceInfo) }},
		{"models.tree.json", func() any { return new([]*TreeEntry) }},
		{"models.tree.recursive.json", func() any { return new([]*TreeEntry) }},
		{"datasets.tree.json", func() any { return new([]*TreeEntry) }},
		{"datasets.tree.recursive.json", func() any { return new([]*TreeEntry) }},
		{"spaces.tree.json", func() any { return new([]*TreeEntry) }},
		{"models.paths-info.json", func() any { return new([]TreeEntry) }},
		{"datasets.paths-info.json", func() any { return new([]TreeEntry) }},
		{"models.refs.json", func() any { return new(GitRefs) }},
		{"datasets.refs.json", func() any { return new(GitRefs) }},
		{"spaces.refs.json", func() any { return new(GitRefs) }},
		{"models.commits.json", func() any { return new([]*GitCommit) }},
		{"models.commits.limit.json", func() any { return new([]*GitCommit) }},
		{"datasets.commits.json", func() any { return new([]*GitCommit) }},
		{"spaces.commits.json", func() any { return new([]*GitCommit) }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec := loadRecording(t, tt.file)
			out := tt.into()
			if err := json.Unmarshal(rec.Response.JSON, out); err != nil {
				t.Fatalf("decode: %v", err)
			}
			var generic any
			if err := json.Unmarshal(rec.Response.JSON, &generic); err != nil {
				t.Fatal(err)
			}
			assertCovered(t, tt.file, generic, reflect.TypeOf(out))
		})
	}
}

func TestDecodeRecordedValues(t *testing.T) {
	var m ModelInfo
	if err := json.Unmarshal(loadRecording(t, "models.info.json").Response.JSON, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "wzshiming/gpt2" || m.SHA != "ae329b6937f31305a0d6c6779f6cd4072cc4097e" || m.Author != "wzshiming" {
		t.Errorf("ModelInfo = %+v", m)
	}
	if m.Safetensors == nil || m.Safetensors.Parameters["F32"] != 137022720 || m.Safetensors.Total != 137022720 {
		t.Errorf("Safetensors = %+v", m.Safetensors)
	}
	if m.Config == nil || m.Config.ModelType != "gpt2" || len(m.Config.Architectures) != 1 || len(m.Config.Raw) == 0 {
		t.Errorf("Config = %+v", m.Config)
	}
	if len(m.Siblings) != 26 || m.Gated != GatedNone || m.LastModified == nil || m.LastModified.Year() != 2026 {
		t.Errorf("siblings %d, gated %q, lastModified %v", len(m.Siblings), m.Gated, m.LastModified)
	}
	if m.CardData["license"] != "mit" || !json.Valid(m.Raw) {
		t.Errorf("cardData %v, raw valid %v", m.CardData, json.Valid(m.Raw))
	}

	var s SpaceInfo
	if err := json.Unmarshal(loadRecording(t, "spaces.info.json").Response.JSON, &s); err != nil {
		t.Fatal(err)
	}
	if s.SDK != "gradio" || s.Runtime == nil || s.Runtime.Stage != "RUNTIME_ERROR" || s.Runtime.Hardware == nil ||
		s.Runtime.Hardware.Requested == nil || *s.Runtime.Hardware.Requested != "zero-a10g" || s.CardData["emoji"] != "🔥" {
		t.Errorf("SpaceInfo = %+v runtime %+v", s, s.Runtime)
	}

	var tree []*TreeEntry
	if err := json.Unmarshal(loadRecording(t, "models.tree.recursive.json").Response.JSON, &tree); err != nil {
		t.Fatal(err)
	}
	var bin *TreeEntry
	for _, e := range tree {
		if e.Path == "pytorch_model.bin" {
			bin = e
		}
	}
	if bin == nil || bin.LFS == nil || bin.LFS.OID != "7c5d3f4b8b76583b422fcb9189ad6c89d5d97a094541ce8932dce3ecabde1421" ||
		bin.SecurityFileStatus == nil || len(bin.SecurityFileStatus.PickleImportScan.PickleImports) != 3 || bin.LastCommit == nil || bin.IsDir() {
		t.Errorf("pytorch_model.bin entry = %+v", bin)
	}
}

// recordedResponse rebuilds the *http.Response of a recorded error.
func recordedResponse(t *testing.T, rec recording) *http.Response {
	t.Helper()
	u, err := url.Parse("https://huggingface.co" + rec.Request.Path)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, v := range rec.Response.Headers {
		h.Set(k, v)
	}
	body := rec.Response.Text
	if len(rec.Response.JSON) > 0 {
		body = string(rec.Response.JSON)
	}
	return &http.Response{
		StatusCode: rec.Response.Status,
		Header:     h,
		Body:       readCloser(body),
		Request:    &http.Request{Method: rec.Request.Method, URL: u, Header: http.Header{}},
	}
}

func readCloser(s string) *stringsReadCloser { return &stringsReadCloser{strings.NewReader(s)} }

type stringsReadCloser struct{ *strings.Reader }

func (stringsReadCloser) Close() error { return nil }

func TestRecordedErrorsMapToSentinels(t *testing.T) {
	c, err := New(WithEnv(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file    string
		want    error
		message string
	}{
		{"models.notfound.json", ErrRepoNotFound, "Invalid username or password."},
		{"models.revision.notfound.json", ErrRevisionNotFound, "Invalid rev id: does-not-exist"},
		{"models.tree.notfound.json", ErrEntryNotFound, `does-not-exist does not exist on "main"`},
		{"models.resolve.notfound.json", ErrEntryNotFound, "Entry not found"},
		{"whoami-v2.json", ErrUnauthorized, "Invalid username or password."},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			herr := c.newHubError(recordedResponse(t, loadRecording(t, tt.file)), false)
			if !errors.Is(herr, tt.want) {
				t.Fatalf("error %v is not %v", herr, tt.want)
			}
			if !strings.Contains(herr.Message, tt.message) {
				t.Errorf("Message = %q, want it to contain %q", herr.Message, tt.message)
			}
			if herr.Hint == "" || !strings.Contains(herr.Error(), herr.Hint) {
				t.Errorf("Error() = %q lacks a hint", herr.Error())
			}
		})
	}
}

func TestRecordedResolveHeadMetadata(t *testing.T) {
	rec := loadRecording(t, "models.resolve.lfs.head.json")
	resp := recordedResponse(t, rec)
	resp.Body = nil
	m := parseFileMetadata(resp)
	if m.Etag != "c966da3b74697803352ca7c6f2f220e7090a557b619de9da0c6b34d89f7825c1" || m.Size != 125162496 ||
		m.CommitHash != "ae329b6937f31305a0d6c6779f6cd4072cc4097e" || !strings.HasPrefix(m.Location, "https://us.aws.cdn.hf.co/") ||
		m.XetHash == "" || m.XetRefreshRoute != "https://huggingface.co/api/models/wzshiming/gpt2/xet-read-token/ae329b6937f31305a0d6c6779f6cd4072cc4097e" {
		t.Errorf("metadata = %+v", m)
	}
	// The regular-file HEAD is a 307 to resolve-cache; the final 200 carries the ETag.
	rec = loadRecording(t, "models.resolve.config.head.json")
	final := &http.Response{StatusCode: rec.Final.Status, Header: http.Header{}, Request: recordedResponse(t, rec).Request}
	for k, v := range rec.Final.Headers {
		final.Header.Set(k, v)
	}
	m = parseFileMetadata(final)
	if m.Etag != "10c66461e4c109db5a2196bff4bb59be30396ed8" || m.Size != 665 || m.CommitHash != "ae329b6937f31305a0d6c6779f6cd4072cc4097e" {
		t.Errorf("metadata = %+v", m)
	}
}
