package inference_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

type city struct {
	Name       string   `json:"name" description:"the city's name"`
	Country    string   `json:"country"`
	Population int      `json:"population"`
	Landmarks  []string `json:"landmarks,omitempty"`
	Climate    string   `json:"climate" enum:"dry,temperate,tropical"`
}

func TestStructuredOutput(t *testing.T) {
	rf, err := inference.StructuredFormat[city]("city")
	if err != nil {
		t.Fatal(err)
	}
	schema := rf.JSONSchema.Schema.(map[string]any)
	if got := schema["required"]; !reflect.DeepEqual(got, []string{"name", "country", "population", "climate"}) {
		t.Errorf("required = %v", got)
	}
	if schema["additionalProperties"] != false || schema["properties"].(map[string]any)["climate"].(map[string]any)["enum"] == nil {
		t.Errorf("schema = %v", schema)
	}
	answers := map[string]error{
		`{"name":"Paris","country":"France","population":2100000,"climate":"temperate"}`:                 nil,
		"```json\n{\"name\":\"Paris\",\"country\":\"France\",\"population\":1,\"climate\":\"dry\"}\n```": nil,
		`{"name":"Paris","country":"France","climate":"dry"}`:                                            inference.ErrSchemaMismatch, // population missing
		`{"name":"Paris","country":"France","population":"many","climate":"dry"}`:                        inference.ErrSchemaMismatch,
		`{"name":"Paris","country":"France","population":1,"climate":"dry","mayor":"x"}`:                 inference.ErrSchemaMismatch,
		`Sure! Here is the JSON`: inference.ErrSchemaMismatch,
	}
	s := inferencetest.NewServer(t)
	i := 0
	for answer, want := range answers {
		i++
		path := "/s" + string(rune('a'+i))
		s.HandleJSON(path+"/v1/chat/completions", 200, map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": answer}}}})
		c := client(t, s, inference.WithBaseURL(s.URL+path))
		resp, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Messages: deepLearning, ResponseFormat: rf})
		if err != nil {
			t.Fatal(err)
		}
		got, err := inference.DecodeStructured[city](resp)
		if !errors.Is(err, want) {
			t.Errorf("answer %q: err = %v, want %v", answer, err, want)
		}
		if want == nil && got.Name != "Paris" {
			t.Errorf("decoded %+v", got)
		}
		if want != nil && !strings.Contains(err.Error(), "answer") {
			t.Errorf("error does not quote the answer: %v", err)
		}
		if rfSent := s.Last().JSON()["response_format"].(map[string]any); rfSent["type"] != "json_schema" {
			t.Errorf("response_format sent = %v", rfSent)
		}
	}
	type node struct {
		Next *node `json:"next"`
	}
	if _, err := inference.StructuredFormat[node]("n"); !errors.Is(err, inference.ErrInvalidInput) {
		t.Errorf("recursive type: %v", err)
	}
}
