package inferencecmd

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// NewCmd returns `hf inference`, the task commands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	t := &Target{}
	cmd := &cobra.Command{
		Use:   "inference <task>",
		Short: "Run an inference task (embeddings, text-to-image, speech recognition, classification)",
		Long: `Run one inference task on a model through Inference Providers (the
router picks the provider with --provider auto), a named --provider, or a
--base-url of your own. Chat has its own command: hf chat.`,
	}
	t.addFlags(cmd, true)
	cmd.AddCommand(newEmbeddingsCmd(f, t), newTextToImageCmd(f, t), newASRCmd(f, t), newClassifyCmd(f, t), newImageClassifyCmd(f, t))
	return cmd
}

func newEmbeddingsCmd(f *cmdutil.Factory, t *Target) *cobra.Command {
	var normalize bool
	cmd := &cobra.Command{
		Use:   "embeddings <model> <text>...",
		Short: "Embed texts (one vector per text)",
		Example: `  $ hf inference embeddings sentence-transformers/all-MiniLM-L6-v2 "Hello" "World"
  $ hf inference embeddings BAAI/bge-m3 --provider hf-inference --format json "query"`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := newClient(f, t)
			if err != nil {
				return err
			}
			var opt *inference.FeatureExtractionOptions
			if normalize {
				opt = &inference.FeatureExtractionOptions{Normalize: &normalize}
			}
			vecs, err := c.Embeddings(cmd.Context(), args[0], args[1:], opt)
			if err != nil {
				return classify(err)
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(map[string]any{"model": args[0], "embeddings": vecs})
			}
			rows := make([][]string, len(vecs))
			for i, v := range vecs {
				rows[i] = []string{args[1+i], strconv.Itoa(len(v)), formatVector(v)}
			}
			return p.Table([]string{"TEXT", "DIMS", "VECTOR"}, rows, vecs)
		},
	}
	cmd.Flags().BoolVar(&normalize, "normalize", false, "ask for unit-length vectors")
	return cmd
}

func formatVector(v []float32) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'g', 6, 32))
	}
	return b.String()
}

func newTextToImageCmd(f *cmdutil.Factory, t *Target) *cobra.Command {
	var output, negative string
	var width, height, steps int
	cmd := &cobra.Command{
		Use:   "text-to-image <model> <prompt>",
		Short: "Generate an image and write it to a file",
		Example: `  $ hf inference text-to-image black-forest-labs/FLUX.1-schnell "An astronaut on a horse" -o astronaut.png
  $ hf inference text-to-image stabilityai/stable-diffusion-xl-base-1.0 --provider together --width 512 --height 512 "a cat" -o cat.jpg`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return cmdutil.FlagErrorf("--output is required: the file to write the image to")
			}
			c, err := newClient(f, t)
			if err != nil {
				return err
			}
			opt := &inference.TextToImageOptions{NegativePrompt: negative}
			if width > 0 {
				opt.Width = &width
			}
			if height > 0 {
				opt.Height = &height
			}
			if steps > 0 {
				opt.NumInferenceSteps = &steps
			}
			img, err := c.TextToImage(cmd.Context(), args[0], args[1], opt)
			if err != nil {
				return classify(err)
			}
			if err := fsutil.WriteFileAtomic(output, img.Data, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", output, err)
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(map[string]any{"path": output, "content_type": img.ContentType, "size": len(img.Data)})
			}
			if ext := extFor(img.ContentType); ext != "" && !strings.HasSuffix(strings.ToLower(output), ext) && !(ext == ".jpg" && strings.HasSuffix(strings.ToLower(output), ".jpeg")) {
				p.Warnf("the image is %s; %s does not end in %s", img.ContentType, output, ext)
			}
			p.Line("%s", output)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "`file` to write the image to (required)")
	fl.StringVar(&negative, "negative-prompt", "", "what the image should not show")
	fl.IntVar(&width, "width", 0, "image width in `pixels`")
	fl.IntVar(&height, "height", 0, "image height in `pixels`")
	fl.IntVar(&steps, "steps", 0, "number of inference `steps`")
	return cmd
}

func extFor(ct string) string {
	switch ct {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/webp":
		return ".webp"
	}
	return ""
}

func newASRCmd(f *cmdutil.Factory, t *Target) *cobra.Command {
	var contentType string
	cmd := &cobra.Command{
		Use:     "asr <model> <audio-file>",
		Aliases: []string{"automatic-speech-recognition"},
		Short:   "Transcribe an audio file",
		Example: `  $ hf inference asr openai/whisper-large-v3 meeting.flac
  $ hf inference asr openai/whisper-large-v3 --provider fal-ai --format json call.mp3`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := os.Open(args[1])
			if err != nil {
				return cmdutil.NewError(cmdutil.ExitNotFound, "check the audio file's path", err)
			}
			defer file.Close()
			c, err := newClient(f, t)
			if err != nil {
				return err
			}
			r, err := c.AutomaticSpeechRecognition(cmd.Context(), args[0], file, &inference.ASROptions{MediaOptions: inference.MediaOptions{ContentType: contentType}})
			if err != nil {
				return classify(err)
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(r)
			}
			p.Line("%s", r.Text)
			return nil
		},
	}
	cmd.Flags().StringVar(&contentType, "content-type", "", "the audio's MIME `type` (default: from the file extension)")
	return cmd
}

func printLabels(f *cmdutil.Factory, labels []inference.ClassificationOutput) error {
	rows := make([][]string, len(labels))
	for i, l := range labels {
		rows[i] = []string{l.Label, strconv.FormatFloat(l.Score, 'f', 4, 64)}
	}
	return f.Printer().Table([]string{"LABEL", "SCORE"}, rows, labels)
}

func newClassifyCmd(f *cmdutil.Factory, t *Target) *cobra.Command {
	var topK int
	cmd := &cobra.Command{
		Use:     "text-classification <model> <text>",
		Aliases: []string{"classify"},
		Short:   "Classify a text (sentiment, topic, …)",
		Example: `  $ hf inference text-classification distilbert/distilbert-base-uncased-finetuned-sst-2-english "I like you"
  $ hf inference classify ProsusAI/finbert --top-k 1 --format json "Stocks rallied"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := newClient(f, t)
			if err != nil {
				return err
			}
			var opt *inference.TextClassificationOptions
			if topK > 0 {
				opt = &inference.TextClassificationOptions{TopK: &topK}
			}
			labels, err := c.TextClassification(cmd.Context(), args[0], args[1], opt)
			if err != nil {
				return classify(err)
			}
			return printLabels(f, labels)
		},
	}
	cmd.Flags().IntVar(&topK, "top-k", 0, "return the `n` best labels")
	return cmd
}

func newImageClassifyCmd(f *cmdutil.Factory, t *Target) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "image-classification <model> <image-file>",
		Short:   "Classify an image",
		Example: `  $ hf inference image-classification google/vit-base-patch16-224 cat.jpg`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := os.Open(args[1])
			if err != nil {
				return cmdutil.NewError(cmdutil.ExitNotFound, "check the image file's path", err)
			}
			defer file.Close()
			c, err := newClient(f, t)
			if err != nil {
				return err
			}
			labels, err := c.ImageClassification(cmd.Context(), args[0], file, nil)
			if err != nil {
				return classify(err)
			}
			return printLabels(f, labels)
		},
	}
	return cmd
}
