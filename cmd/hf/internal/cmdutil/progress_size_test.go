package cmdutil

import (
	"errors"
	"testing"

	"github.com/vbauerster/mpb/v8"
)

// fakeConsole reports a fixed terminal size.
type fakeConsole struct {
	mpb.ConsoleWriter
	w, h int
	err  error
}

func (f fakeConsole) GetTermSize() (int, int, error) { return f.w, f.h, f.err }

func TestSizedConsoleFallsBackOnZeroSize(t *testing.T) {
	errNoTTY := errors.New("not a terminal")
	tests := []struct {
		w, h         int
		err          error
		wantW, wantH int
	}{
		{0, 0, nil, 80, 24},     // a pty nobody sized: mpb would draw nothing
		{120, 0, nil, 120, 24},  // rows unknown
		{100, 30, nil, 100, 30}, // a real terminal keeps its size
		{0, 0, errNoTTY, 0, 0},  // errors pass through untouched
	}
	for _, tt := range tests {
		c := sizedConsole{fakeConsole{w: tt.w, h: tt.h, err: tt.err}}
		w, h, err := c.GetTermSize()
		if w != tt.wantW || h != tt.wantH || !errors.Is(err, tt.err) {
			t.Errorf("GetTermSize() of %dx%d (%v) = %dx%d (%v), want %dx%d", tt.w, tt.h, tt.err, w, h, err, tt.wantW, tt.wantH)
		}
	}
}
