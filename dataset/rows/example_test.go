package rows_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

func ExampleReadStream() {
	data := "{\"text\":\"hello\",\"label\":1}\n{\"text\":\"world\",\"label\":0}\n"
	type example struct {
		Text  string `row:"text"`
		Label int    `row:"label"`
	}
	for row, err := range rows.ReadStream(context.Background(), "train.jsonl", strings.NewReader(data), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		var e example
		if err := row.Decode(&e); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.Text, e.Label)
	}
	// Output:
	// hello 1
	// world 0
}
