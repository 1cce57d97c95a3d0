package hfhub

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

func TestSafetensorsMetadataSingle(t *testing.T) {
	big := map[string]TensorInfo{}
	// a header larger than the first 100 kB read forces a second Range request
	for i := range 1500 {
		name := "layer." + strings.Repeat("x", 40) + itoa(i)
		big[name] = TensorInfo{DType: "F16", Shape: []int64{2, 2}, DataOffsets: [2]int64{int64(i * 8), int64(i*8 + 8)}}
	}
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/small", Files: map[string][]byte{
			"model.safetensors": safetensorsBytes(t, map[string]TensorInfo{
				"w": {DType: "F32", Shape: []int64{3, 4}, DataOffsets: [2]int64{0, 48}},
				"b": {DType: "BF16", Shape: []int64{4}, DataOffsets: [2]int64{48, 56}},
			}, map[string]string{"format": "pt"}, 0),
		}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/bighead", Files: map[string][]byte{"model.safetensors": safetensorsBytes(t, big, nil, 0)}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/none", Files: map[string][]byte{"pytorch_model.bin": []byte("x")}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/broken", Files: map[string][]byte{"model.safetensors": []byte("\xff\xff\xff\xff\xff\xff\xff\xff{}")}}),
		hubtest.WithToken("hf_acme_token_1", "acme", hubtest.Read),
	)
	c, _ := newTestClient(t, hub.URL, WithToken("hf_acme_token_1"))
	ctx := t.Context()

	md, err := c.SafetensorsMetadata(ctx, "acme/small", nil)
	if err != nil {
		t.Fatal(err)
	}
	if md.Sharded || md.ParameterCount["F32"] != 12 || md.ParameterCount["BF16"] != 4 || md.WeightMap["w"] != "model.safetensors" ||
		md.FilesMetadata["model.safetensors"].Metadata["format"] != "pt" {
		t.Errorf("metadata = %+v", md)
	}
	// Range requests were used and the token never reached the content host
	for _, r := range hub.Requests() {
		if r.Method == "GET" && r.Header.Get("Range") == "" {
			t.Errorf("GET %s without Range", r.Path)
		}
		if strings.Contains(r.Path, "resolve") {
			continue
		}
		if r.Method == "GET" && r.Header.Get("Authorization") != "" {
			t.Errorf("content request %s carried Authorization", r.Path)
		}
	}

	md, err = c.SafetensorsMetadata(ctx, "acme/bighead", nil)
	if err != nil {
		t.Fatal(err)
	}
	if md.ParameterCount["F16"] != 1500*4 || len(md.WeightMap) != 1500 {
		t.Errorf("big header: %d params, %d tensors", md.ParameterCount["F16"], len(md.WeightMap))
	}
	// a server that ignores Range still works
	hub.SetIgnoreRange(true)
	if md, err := c.SafetensorsMetadata(ctx, "acme/bighead", nil); err != nil || len(md.WeightMap) != 1500 {
		t.Errorf("ignoring Range: %v", err)
	}
	hub.SetIgnoreRange(false)

	if _, err := c.SafetensorsMetadata(ctx, "acme/none", nil); !errors.Is(err, ErrNotSafetensors) {
		t.Errorf("no safetensors: %v", err)
	}
	if _, err := c.SafetensorsMetadata(ctx, "acme/broken", nil); !errors.Is(err, ErrSafetensorsParsing) {
		t.Errorf("broken header: %v", err)
	}
	if _, err := c.SafetensorsMetadata(ctx, "acme/missing", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("missing repo: %v", err)
	}
}

func TestSafetensorsMetadataSharded(t *testing.T) {
	shard1 := safetensorsBytes(t, map[string]TensorInfo{"a": {DType: "F32", Shape: []int64{10}, DataOffsets: [2]int64{0, 40}}}, nil, 0)
	shard2 := safetensorsBytes(t, map[string]TensorInfo{
		"b": {DType: "F32", Shape: []int64{5, 2}, DataOffsets: [2]int64{0, 40}},
		"c": {DType: "I64", Shape: []int64{3}, DataOffsets: [2]int64{40, 64}},
	}, nil, 0)
	index, _ := json.Marshal(map[string]any{
		"metadata":   map[string]any{"total_size": 104},
		"weight_map": map[string]string{"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"},
	})
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/sharded", Files: map[string][]byte{
		"model.safetensors.index.json":     index,
		"model-00001-of-00002.safetensors": shard1,
		"model-00002-of-00002.safetensors": shard2,
	}}))
	c, _ := newTestClient(t, hub.URL)
	md, err := c.SafetensorsMetadata(t.Context(), "acme/sharded", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !md.Sharded || len(md.FilesMetadata) != 2 || md.ParameterCount["F32"] != 20 || md.ParameterCount["I64"] != 3 || md.Metadata["total_size"] != float64(104) {
		t.Errorf("metadata = %+v", md)
	}
}
