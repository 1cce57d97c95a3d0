package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/hfhub-go/hfhub/webhook"
)

func ExampleNewHandler() {
	h := webhook.NewHandler("s3cret", func(_ context.Context, p *webhook.Payload) error {
		if p.IsRepoContentUpdate() {
			fmt.Println("push to", p.Repo.Name, p.UpdatedRefs[0].Ref)
		}
		return nil
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := `{"event":{"action":"update","scope":"repo.content"},"repo":{"type":"model","name":"acme/bert","id":"1","owner":{"id":"2"},"private":false,"url":{"web":"https://huggingface.co/acme/bert"}},"webhook":{"id":"3","version":3},"updatedRefs":[{"ref":"refs/heads/main","oldSha":"a","newSha":"b"}]}`
	for _, secret := range []string{"s3cret", "wrong"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.SecretHeader, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// push to acme/bert refs/heads/main
	// 200
	// 401
}
