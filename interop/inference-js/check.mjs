// The official @huggingface/inference and openai clients against hfhub's
// inferencetest fake (spec inference.md §5.5). FAKES is a JSON object
// {check name: fake URL}; each check gets a fake of its own replaying its
// cassette. The official client hard-codes huggingface.co and
// router.huggingface.co, so a global fetch wrapper sends every request for
// those hosts to the check's fake (path and query kept, the original host
// in x-original-host). Prints one JSON document {check: result}; the Go
// test TestOfficialJSInferenceClients compares it with hfhub's client.
import { InferenceClient } from "@huggingface/inference";
import OpenAI from "openai";

const fakes = JSON.parse(process.env.FAKES);
const realFetch = globalThis.fetch;
let current = "";
globalThis.fetch = (input, init = {}) => {
  const req = input instanceof Request ? input : null;
  const url = new URL(req ? req.url : String(input));
  if (url.host !== "huggingface.co" && url.host !== "router.huggingface.co") {
    return realFetch(input, init);
  }
  const target = new URL(url.pathname + url.search, fakes[current]);
  const headers = new Headers(init.headers ?? (req ? req.headers : undefined));
  headers.set("x-original-host", url.host);
  if (req) {
    return realFetch(new Request(target, req), { headers });
  }
  return realFetch(target, { ...init, headers });
};

const messages = [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content: "What is deep learning?" },
];
const hf = new InferenceClient("hf_jsinterop", { billTo: "acme-org" });
const results = {};

async function check(name, fn) {
  current = name;
  try {
    results[name] = await fn();
  } catch (e) {
    results[name] = { error: { name: e.name, status: e.httpResponse?.status ?? e.status ?? null, message: String(e.message) } };
  }
}

await check("chat_cerebras", async () => {
  const r = await hf.chatCompletion({ provider: "cerebras", model: "meta-llama/Llama-3.3-70B-Instruct", messages, max_tokens: 20 });
  return { text: r.choices[0].message.content };
});
await check("stream_hf_inference", async () => {
  let chunks = 0, text = "";
  for await (const ch of hf.chatCompletionStream({ provider: "hf-inference", model: "meta-llama/Meta-Llama-3.1-8B-Instruct", messages })) {
    chunks++;
    text += ch.choices?.[0]?.delta?.content ?? "";
  }
  return { chunks, text };
});
await check("embeddings", async () => {
  const out = await hf.featureExtraction({ provider: "hf-inference", model: "facebook/bart-base", inputs: "Hi, who are you?" });
  const shape = [];
  for (let v = out; Array.isArray(v); v = v[0]) shape.push(v.length);
  return { shape, first: out[0][0][0] };
});
await check("similarity", async () => {
  const out = await hf.sentenceSimilarity({ provider: "hf-inference", model: "sentence-transformers/all-MiniLM-L6-v2",
    inputs: { source_sentence: "Machine learning is so easy.", sentences: ["Deep learning is so straightforward.", "This is so difficult, like rocket science.", "I can't believe how much I struggled with this."] } });
  return { scores: out };
});
await check("text_to_image", async () => {
  const blob = await hf.textToImage({ provider: "hf-inference", model: "CompVis/stable-diffusion-v1-4", inputs: "An astronaut riding a horse on the moon." }, { outputType: "blob" });
  return { size: blob.size, type: blob.type };
});
await check("error_401", async () => {
  await hf.chatCompletion({ provider: "hf-inference", model: "meta-llama/Meta-Llama-3-70B-Instruct", messages });
  return { error: null };
});
await check("openai_chat", async () => {
  const oa = new OpenAI({ baseURL: fakes.openai_chat + "/v1", apiKey: "hf_jsinterop" });
  const r = await oa.chat.completions.create({ model: "meta-llama/Llama-3.3-70B-Instruct", messages });
  return { text: r.choices[0].message.content };
});
await check("openai_stream", async () => {
  const oa = new OpenAI({ baseURL: fakes.openai_stream + "/v1", apiKey: "hf_jsinterop" });
  const stream = await oa.chat.completions.create({ model: "meta-llama/Meta-Llama-3.1-8B-Instruct", messages, stream: true });
  let chunks = 0, text = "";
  for await (const ch of stream) {
    chunks++;
    text += ch.choices?.[0]?.delta?.content ?? "";
  }
  return { chunks, text };
});
await check("openai_error_429", async () => {
  const oa = new OpenAI({ baseURL: fakes.openai_error_429 + "/v1", apiKey: "hf_jsinterop", maxRetries: 0 });
  await oa.chat.completions.create({ model: "meta-llama/Llama-3.3-70B-Instruct", messages });
  return { error: null };
});
process.stdout.write(JSON.stringify(results) + "\n");
