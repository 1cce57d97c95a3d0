package lfs

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// partServer is a loopback server that stores PUT bodies by path and
// answers completion and verify POSTs; failPath makes PUTs to a path fail.
type partServer struct {
	*httptest.Server
	mu        sync.Mutex
	bodies    map[string][]byte
	puts      map[string]int
	failPath  string
	failCode  int
	failTimes int
	complete  *CompletionRequest
	verified  *VerifyRequest
	maxActive atomic.Int32
	active    atomic.Int32
}

func newPartServer(t *testing.T) *partServer {
	s := &partServer{bodies: map[string][]byte{}, puts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *partServer) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPut:
		n := s.active.Add(1)
		defer s.active.Add(-1)
		for {
			m := s.maxActive.Load()
			if n <= m || s.maxActive.CompareAndSwap(m, n) {
				break
			}
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.puts[r.URL.Path]++
		fail := r.URL.Path == s.failPath && s.failTimes != 0
		if fail && s.failTimes > 0 {
			s.failTimes--
		}
		if !fail {
			s.bodies[r.URL.Path] = b
		}
		s.mu.Unlock()
		if fail {
			w.WriteHeader(s.failCode)
			return
		}
		sum := sha256.Sum256(b)
		w.Header().Set("ETag", strconv.Quote(fmt.Sprintf("%x", sum[:8])))
	case http.MethodPost:
		if r.Header.Get("Content-Type") != MediaType || r.Header.Get("Accept") != MediaType {
			http.Error(w, "bad content type", http.StatusUnsupportedMediaType)
			return
		}
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		switch r.URL.Path {
		case "/complete":
			s.complete = new(CompletionRequest)
			if err := json.Unmarshal(b, s.complete); err != nil {
				http.Error(w, err.Error(), 400)
			}
		case "/verify":
			s.verified = new(VerifyRequest)
			if err := json.Unmarshal(b, s.verified); err != nil {
				http.Error(w, err.Error(), 400)
			}
		}
	}
}

func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

func noWait(int, *http.Response) time.Duration { return 0 }

func TestUploadBasicAndVerify(t *testing.T) {
	s := newPartServer(t)
	data := randomBytes(3<<20+5, 1)
	info := InfoFromBytes(data)
	obj := &Object{OID: info.OID, Size: info.Size, Actions: &Actions{
		Upload: &Action{Href: s.URL + "/obj"},
		Verify: &Action{Href: s.URL + "/verify", Header: map[string]string{"X-Test": "1"}},
	}}
	var progress atomic.Int64
	u := &Uploader{HTTPClient: s.Client(), Progress: func(d int64) { progress.Add(d) }}
	if err := u.Upload(t.Context(), obj, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.bodies["/obj"], data) {
		t.Fatalf("server got %d bytes, want the %d sent", len(s.bodies["/obj"]), len(data))
	}
	if s.verified == nil || s.verified.OID != info.OID || s.verified.Size != info.Size {
		t.Fatalf("verify body = %+v", s.verified)
	}
	if progress.Load() != info.Size {
		t.Errorf("progress = %d, want %d", progress.Load(), info.Size)
	}
}

func TestUploadNothingToDo(t *testing.T) {
	u := &Uploader{}
	if err := u.Upload(t.Context(), &Object{Size: 3}, bytes.NewReader(nil)); err != nil {
		t.Errorf("object without actions: %v", err)
	}
	err := u.Upload(t.Context(), &Object{Error: &ObjectError{Code: 422, Message: "too big"}}, bytes.NewReader(nil))
	var oe *ObjectError
	if !errors.As(err, &oe) || oe.Code != 422 {
		t.Errorf("object with error: got %v", err)
	}
}

func multipartAction(base string, size, chunk int64, pad bool) *Action {
	h := map[string]string{"chunk_size": strconv.FormatInt(chunk, 10)}
	for i := int64(1); (i-1)*chunk < size; i++ {
		key := strconv.FormatInt(i, 10)
		if pad {
			key = fmt.Sprintf("%05d", i)
		}
		h[key] = fmt.Sprintf("%s/part/%d?sig=secret", base, i)
	}
	return &Action{Href: base + "/complete", Header: h}
}

func TestUploadMultipart(t *testing.T) {
	s := newPartServer(t)
	const chunk = 1 << 20
	data := randomBytes(10*chunk+123, 2)
	info := InfoFromBytes(data)
	obj := &Object{OID: info.OID, Size: info.Size, Actions: &Actions{Upload: multipartAction(s.URL, info.Size, chunk, true)}}
	u := &Uploader{HTTPClient: s.Client(), Concurrency: 4}
	if err := u.Upload(t.Context(), obj, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	var joined []byte
	for i := 1; i <= 11; i++ {
		joined = append(joined, s.bodies[fmt.Sprintf("/part/%d", i)]...)
	}
	if !bytes.Equal(joined, data) {
		t.Fatal("parts do not reassemble to the object")
	}
	if s.complete == nil || s.complete.OID != info.OID || len(s.complete.Parts) != 11 {
		t.Fatalf("completion = %+v", s.complete)
	}
	for i, p := range s.complete.Parts {
		if p.PartNumber != i+1 || p.ETag == "" {
			t.Errorf("completion part %d = %+v", i, p)
		}
	}
	if m := s.maxActive.Load(); m > 4 {
		t.Errorf("%d parts in flight at once, Concurrency is 4", m)
	}
}

func TestParseMultipartRejects(t *testing.T) {
	tests := []struct {
		name string
		a    *Action
		size int64
	}{
		{"no chunk size", &Action{Header: map[string]string{"1": "u"}}, 1},
		{"zero chunk size", &Action{Header: map[string]string{"chunk_size": "0", "1": "u"}}, 1},
		{"too few parts", &Action{Header: map[string]string{"chunk_size": "10", "1": "u"}}, 11},
		{"too many parts", &Action{Header: map[string]string{"chunk_size": "10", "1": "u", "2": "v"}}, 10},
		{"gap in numbering", &Action{Header: map[string]string{"chunk_size": "10", "1": "u", "3": "v"}}, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseMultipart(tt.a, tt.size); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestUploadRetries(t *testing.T) {
	s := newPartServer(t)
	data := randomBytes(1000, 3)
	s.failPath, s.failCode, s.failTimes = "/obj", http.StatusServiceUnavailable, 2
	var progress atomic.Int64
	u := &Uploader{HTTPClient: s.Client(), Backoff: noWait, Progress: func(d int64) { progress.Add(d) }}
	if err := u.UploadBasic(t.Context(), &Action{Href: s.URL + "/obj"}, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if s.puts["/obj"] != 3 || !bytes.Equal(s.bodies["/obj"], data) {
		t.Fatalf("%d PUTs, body ok=%v; want 3 and ok", s.puts["/obj"], bytes.Equal(s.bodies["/obj"], data))
	}
	if progress.Load() != int64(len(data)) {
		t.Errorf("progress after retries = %d, want %d", progress.Load(), len(data))
	}

	s.failPath, s.failCode, s.failTimes = "/bad", http.StatusForbidden, -1
	err := u.UploadBasic(t.Context(), &Action{Href: s.URL + "/bad?X-Amz-Signature=secret"}, bytes.NewReader(data), int64(len(data)))
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 403 || s.puts["/bad"] != 1 {
		t.Fatalf("403: error = %v after %d PUTs, want one HTTPError 403", err, s.puts["/bad"])
	}
	if bytes.Contains([]byte(err.Error()), []byte("secret")) {
		t.Errorf("error leaks the presigned query: %v", err)
	}
}

// TestMultipartResumeWithJournal interrupts a multipart upload (one part
// keeps failing) and resumes it: only the failed part is sent again.
func TestMultipartResumeWithJournal(t *testing.T) {
	s := newPartServer(t)
	const chunk = 1 << 20
	data := randomBytes(5*chunk, 4)
	info := InfoFromBytes(data)
	a := multipartAction(s.URL, info.Size, chunk, false)
	j, err := NewDirJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.failPath, s.failCode, s.failTimes = "/part/3", http.StatusBadRequest, -1
	u := &Uploader{HTTPClient: s.Client(), Backoff: noWait, Journal: j, Concurrency: 1}
	if err := u.UploadMultipart(t.Context(), a, info.OID, bytes.NewReader(data), info.Size); err == nil {
		t.Fatal("first run succeeded with a failing part")
	}
	if s.complete != nil {
		t.Fatal("completion sent although a part failed")
	}
	done, err := j.Parts(a.Href)
	if err != nil || len(done) == 0 || done[3] != "" {
		t.Fatalf("journal after failure = %v, %v", done, err)
	}

	s.failTimes = 0
	before := map[string]int{}
	for k, v := range s.puts {
		before[k] = v
	}
	if err := u.UploadMultipart(t.Context(), a, info.OID, bytes.NewReader(data), info.Size); err != nil {
		t.Fatal(err)
	}
	for k := range done {
		p := fmt.Sprintf("/part/%d", k)
		if s.puts[p] != before[p] {
			t.Errorf("part %d was sent again on resume", k)
		}
	}
	if s.complete == nil || len(s.complete.Parts) != 5 {
		t.Fatalf("completion = %+v", s.complete)
	}
	if left, _ := j.Parts(a.Href); len(left) != 0 {
		t.Errorf("journal not cleared after completion: %v", left)
	}
}

func TestBatchResponseDecodes(t *testing.T) {
	const body = `{"transfer":"basic","objects":[
	 {"oid":"4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393","size":123,"authenticated":true,
	  "actions":{"upload":{"href":"https://s3.example/p","header":{"chunk_size":"10","00001":"a"}},
	             "verify":{"href":"https://hub.example/x.git/info/lfs/objects/verify","header":{"Authorization":"t"}}}},
	 {"oid":"4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393","size":456},
	 {"oid":"4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393","size":789,"error":{"code":422,"message":"no"}}]}`
	var r BatchResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Objects) != 3 || !r.Objects[0].NeedsUpload() || !r.Objects[0].Actions.Upload.IsMultipart() ||
		r.Objects[1].NeedsUpload() || r.Objects[2].NeedsUpload() || r.Objects[2].Error.Code != 422 {
		t.Fatalf("decoded %+v", r)
	}
	req, _ := json.Marshal(NewUploadRequest("main", ObjectSpec{Size: 1}))
	want := `{"operation":"upload","transfers":["basic","multipart"],"objects":[{"oid":"0000000000000000000000000000000000000000000000000000000000000000","size":1}],"hash_algo":"sha256","ref":{"name":"main"}}`
	if string(req) != want {
		t.Errorf("request = %s\nwant      %s", req, want)
	}
	if BatchPath("dataset", "a/b") != "/datasets/a/b.git/info/lfs/objects/batch" || BatchPath("", "gpt2") != "/gpt2.git/info/lfs/objects/batch" {
		t.Error("BatchPath wrong")
	}
}
