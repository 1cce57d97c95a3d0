package hfhub

import (
	"encoding/binary"
	"encoding/json"
	"testing"
)

// safetensorsBytes builds a small valid safetensors file.
func safetensorsBytes(t testing.TB, tensors map[string]TensorInfo, meta map[string]string, pad int) []byte {
	t.Helper()
	h := map[string]any{}
	for k, v := range tensors {
		h[k] = v
	}
	if meta != nil {
		h["__metadata__"] = meta
	}
	hj, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	for len(hj)%8 != 0 || pad > 0 {
		hj = append(hj, ' ')
		pad--
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(hj)))
	out = append(out, hj...)
	var end int64
	for _, v := range tensors {
		end = max(end, v.DataOffsets[1])
	}
	return append(out, make([]byte, end)...)
}

func TestParseSafetensorsHeader(t *testing.T) {
	fm, err := parseSafetensorsHeader([]byte(`{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},"c":{"dtype":"F32","shape":[],"data_offsets":[32,36]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if fm.Metadata["format"] != "pt" || fm.ParameterCount["F32"] != 7 || fm.ParameterCount["BF16"] != 4 || len(fm.Tensors) != 3 {
		t.Errorf("fm = %+v", fm)
	}
	for _, bad := range []string{`[]`, `{"a":{"shape":[1]}}`, `{"__metadata__":{"a":1}}`, `{"a":3}`} {
		if _, err := parseSafetensorsHeader([]byte(bad)); err == nil {
			t.Errorf("parseSafetensorsHeader(%s) = nil error", bad)
		}
	}
}

func FuzzParseSafetensorsHeader(f *testing.F) {
	f.Add([]byte(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseSafetensorsHeader(b)
	})
}
