package inference

// Task names an inference task as the Hub spells it (pipeline tags, plus
// "conversational" for chat).
type Task string

// Tasks of the Python InferenceClient (release 1.28). docs/inference.md has
// the table of methods against Python and JS.
const (
	TaskChat                        Task = "conversational"
	TaskTextGeneration              Task = "text-generation"
	TaskFeatureExtraction           Task = "feature-extraction"
	TaskSentenceSimilarity          Task = "sentence-similarity"
	TaskTextClassification          Task = "text-classification"
	TaskTokenClassification         Task = "token-classification"
	TaskZeroShotClassification      Task = "zero-shot-classification"
	TaskFillMask                    Task = "fill-mask"
	TaskQuestionAnswering           Task = "question-answering"
	TaskTableQuestionAnswering      Task = "table-question-answering"
	TaskDocumentQuestionAnswering   Task = "document-question-answering"
	TaskVisualQuestionAnswering     Task = "visual-question-answering"
	TaskSummarization               Task = "summarization"
	TaskTranslation                 Task = "translation"
	TaskTextToImage                 Task = "text-to-image"
	TaskImageToImage                Task = "image-to-image"
	TaskImageToText                 Task = "image-to-text"
	TaskImageToVideo                Task = "image-to-video"
	TaskImageClassification         Task = "image-classification"
	TaskImageSegmentation           Task = "image-segmentation"
	TaskObjectDetection             Task = "object-detection"
	TaskZeroShotImageClassification Task = "zero-shot-image-classification"
	TaskAutomaticSpeechRecognition  Task = "automatic-speech-recognition"
	TaskAudioClassification         Task = "audio-classification"
	TaskAudioToAudio                Task = "audio-to-audio"
	TaskTextToSpeech                Task = "text-to-speech"
	TaskTextToVideo                 Task = "text-to-video"
	TaskTabularClassification       Task = "tabular-classification"
	TaskTabularRegression           Task = "tabular-regression"
)
