package inferencecmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/inference"
)

// ChatOptions is everything `hf chat` needs.
type ChatOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory
	Target  Target

	Model, Prompt, System string
	MaxTokens             int
	Temperature           float64
	Format                cmdutil.Format
}

// NewChatCmd returns `hf chat`. A non-nil runF runs instead of the
// command, for tests of flag parsing.
func NewChatCmd(f *cmdutil.Factory, runF func(context.Context, *ChatOptions) error) *cobra.Command {
	opts := &ChatOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "chat <model> [<prompt>]",
		Short: "Chat with a model through Inference Providers",
		Long: `Chat with a model. With a prompt (or text on stdin) it answers once and
exits; on a terminal without a prompt it starts an interactive session
(an empty line or Ctrl-D ends it). Tokens are printed as they arrive.
--format json prints one JSON document with the whole answer instead.`,
		Example: `  $ hf chat meta-llama/Llama-3.1-8B-Instruct "What is deep learning?"
  $ echo "Summarise: ..." | hf chat Qwen/Qwen2.5-7B-Instruct --system "Be brief"
  $ hf chat openai/gpt-oss-120b:cheapest
  $ hf chat deepseek-ai/DeepSeek-R1 --provider together --format json "Hi"
  $ hf chat tgi --base-url http://localhost:8080/v1 "Hello"`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Model = args[0]
			if len(args) > 1 {
				opts.Prompt = args[1]
			}
			opts.Format = f.Globals.Format
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runChat(cmd.Context(), opts)
		},
	}
	opts.Target.addFlags(cmd, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.System, "system", "", "system `prompt`")
	fl.IntVar(&opts.MaxTokens, "max-tokens", 0, "maximum `tokens` to generate (0: the provider's default)")
	fl.Float64Var(&opts.Temperature, "temperature", -1, "sampling `temperature` (default: the provider's)")
	return cmd
}

func runChat(ctx context.Context, o *ChatOptions) error {
	c, err := newClient(o.Factory, &o.Target)
	if err != nil {
		return err
	}
	var history []inference.Message
	if o.System != "" {
		history = append(history, inference.Message{Role: "system", Content: inference.Text(o.System)})
	}
	prompt := o.Prompt
	if prompt == "" && !o.IO.IsStdinTTY() {
		b, err := io.ReadAll(o.IO.In)
		if err != nil {
			return fmt.Errorf("read the prompt from stdin: %w", err)
		}
		prompt = strings.TrimSpace(string(b))
		if prompt == "" {
			return cmdutil.FlagErrorf("no prompt: give one as an argument or on stdin")
		}
	}
	if prompt != "" {
		_, err := chatTurn(ctx, c, o, append(history, inference.Message{Role: "user", Content: inference.Text(prompt)}))
		return classify(err)
	}
	if o.Format == cmdutil.FormatJSON {
		return cmdutil.FlagErrorf("--format json needs a prompt (an argument or stdin)")
	}
	// Interactive session.
	in := bufio.NewReader(o.IO.In)
	fmt.Fprintf(o.IO.ErrOut, "Chatting with %s (empty line or Ctrl-D to quit)\n", o.Model)
	for {
		fmt.Fprint(o.IO.ErrOut, o.IO.Bold("> "))
		line, _ := in.ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			return nil // an empty line or end of input ends the session
		}
		history = append(history, inference.Message{Role: "user", Content: inference.Text(line)})
		answer, err := chatTurn(ctx, c, o, history)
		if err != nil {
			return classify(err)
		}
		history = append(history, inference.Message{Role: "assistant", Content: inference.Text(answer)})
	}
}

// chatTurn streams one answer to stdout (or prints it as JSON) and
// returns its text.
func chatTurn(ctx context.Context, c *inference.Client, o *ChatOptions, messages []inference.Message) (string, error) {
	req := &inference.ChatRequest{Model: o.Model, Messages: messages}
	if o.MaxTokens > 0 {
		req.MaxTokens = &o.MaxTokens
	}
	if o.Temperature >= 0 {
		req.Temperature = &o.Temperature
	}
	var meta inference.Meta
	req.Meta = &meta
	var acc inference.ChatAccumulator
	for ch, err := range c.ChatCompletionStream(ctx, req) {
		if err != nil {
			if o.Format != cmdutil.FormatJSON && acc.Chunks() > 0 {
				fmt.Fprintln(o.IO.Out)
			}
			return "", err
		}
		acc.Add(ch)
		if o.Format != cmdutil.FormatJSON {
			fmt.Fprint(o.IO.Out, ch.Text())
		}
	}
	r := acc.Response()
	if o.Format == cmdutil.FormatJSON {
		out := chatJSON{Model: cmpOr(r.Model, o.Model), Provider: meta.Provider, RequestID: meta.RequestID, Text: r.Text(), Usage: r.Usage}
		if len(r.Choices) > 0 {
			out.FinishReason = r.Choices[0].FinishReason
			out.ToolCalls = r.Choices[0].Message.ToolCalls
		}
		return r.Text(), o.Factory.Printer().JSON(out)
	}
	fmt.Fprintln(o.IO.Out)
	return r.Text(), nil
}

// chatJSON is `hf chat --format json`'s document.
type chatJSON struct {
	Model        string               `json:"model"`
	Provider     string               `json:"provider,omitempty"`
	RequestID    string               `json:"request_id,omitempty"`
	Text         string               `json:"text"`
	FinishReason string               `json:"finish_reason,omitempty"`
	ToolCalls    []inference.ToolCall `json:"tool_calls,omitempty"`
	Usage        *inference.Usage     `json:"usage,omitempty"`
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
