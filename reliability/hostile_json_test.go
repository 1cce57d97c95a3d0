package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
)

// TestHugeJSONIsBounded serves an endless JSON document: the client must
// stop reading at its bound and say why, not buffer without end.
func TestHugeJSONIsBounded(t *testing.T) {
	chunk := []byte(strings.Repeat(`{"path":"x","type":"file","oid":"a","size":1},`, 1000))
	rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("["))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c, _ := newClient(t, rh.URL)
	_, err := c.ListRepoFiles(t.Context(), matrixRepo, nil)
	if !errors.Is(err, hfhub.ErrServer) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("endless JSON: %v, want ErrServer saying the answer is too large", err)
	}
	t.Logf("error: %v", err)
}

// TestDeepJSONIsRefused sends deeply nested JSON; decoding must fail
// cleanly (encoding/json bounds nesting), not crash.
func TestDeepJSONIsRefused(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"acme/model","sha":"` + fakeCommit + `","siblings":` + deep + `}`))
	})
	c, _ := newClient(t, rh.URL)
	if _, err := c.ModelInfo(t.Context(), matrixRepo, nil); err == nil {
		t.Fatal("nested JSON where an object list belongs was accepted")
	}
}

// TestEndlessPagination checks the two shapes of endless pagination: a
// Link header pointing back to an earlier page fails with ErrServer; fresh
// cursors forever are bounded by the caller's Limit and context.
func TestEndlessPagination(t *testing.T) {
	page := func(w http.ResponseWriter, next string, n int) {
		w.Header().Set("Content-Type", "application/json")
		if next != "" {
			w.Header().Set("Link", "<"+next+`>; rel="next"`)
		}
		var b strings.Builder
		b.WriteString("[")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"type":"file","oid":"%040d","size":1,"path":"f%d"}`, i, i)
		}
		b.WriteString("]")
		w.Write([]byte(b.String()))
	}
	t.Run("loop", func(t *testing.T) {
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			// Page 1 -> page 2 -> page 1 -> ...
			next := r.URL.Path + "?cursor=2"
			if r.URL.Query().Get("cursor") == "2" {
				next = r.URL.Path + "?cursor=1"
			}
			page(w, next, 3)
		})
		c, _ := newClient(t, rh.URL)
		_, err := c.ListRepoFiles(t.Context(), matrixRepo, nil)
		if !errors.Is(err, hfhub.ErrServer) {
			t.Fatalf("pagination loop: %v, want ErrServer", err)
		}
		if n := len(rh.requests()); n > 4 {
			t.Errorf("%d requests for a two-page loop", n)
		}
		t.Logf("error: %v", err)
	})
	t.Run("fresh cursors forever", func(t *testing.T) {
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
			page(w, r.URL.Path+"?cursor="+strconv.Itoa(n+1), 10)
		})
		c, _ := newClient(t, rh.URL)
		got, err := hfhub.Collect(c.ListRepoTree(t.Context(), matrixRepo, &hfhub.ListRepoTreeOptions{Limit: 25}))
		if err != nil || len(got) != 25 {
			t.Fatalf("Limit 25: %d entries, %v", len(got), err)
		}
		if n := len(rh.requests()); n != 3 {
			t.Errorf("Limit 25 over pages of 10 sent %d requests, want 3", n)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		_, err = c.ListRepoFiles(ctx, matrixRepo, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("endless listing under a deadline: %v", err)
		}
	})
}
