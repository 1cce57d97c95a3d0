"""The official Python InferenceClient (huggingface_hub 1.3.7) against hfhub's
inferencetest fake (spec inference.md §5.5). FAKES is a JSON object
{check name: fake URL}; a transport rewrites every request of a check to its
fake (path and query kept, the original host in x-original-host). Prints one
JSON document {check: result} that the Go test
TestOfficialPythonInferenceClient compares with hfhub's client.

    HFHUB_PY_CLIENT=/work/pyhf/src go test -run TestOfficialPythonInferenceClient ./interop/
"""
import json
import os
import sys
import tempfile

FAKES = json.loads(os.environ["FAKES"])
os.environ["HF_HOME"] = tempfile.mkdtemp()
os.environ["HF_TOKEN"] = "hf_pyinterop"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

import httpx  # noqa: E402

import huggingface_hub  # noqa: E402
from huggingface_hub import InferenceClient  # noqa: E402

CURRENT = [""]


class ToFake(httpx.HTTPTransport):
    def handle_request(self, request):
        fake = httpx.URL(FAKES[CURRENT[0]])
        request.headers["x-original-host"] = request.url.host
        request.url = request.url.copy_with(scheme=fake.scheme, host=fake.host, port=fake.port)
        request.headers["host"] = f"{fake.host}:{fake.port}"
        return super().handle_request(request)


huggingface_hub.set_client_factory(lambda: httpx.Client(transport=ToFake(), follow_redirects=True, timeout=60))

MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What is deep learning?"},
]
results = {}


def check(name, fn):
    CURRENT[0] = name
    try:
        results[name] = fn()
    except Exception as e:  # the comparison decides what is expected
        results[name] = {"error": {"type": type(e).__name__, "status": getattr(getattr(e, "response", None), "status_code", None), "message": str(e)}}


def chat_together():
    c = InferenceClient(provider="together", bill_to="acme-org")
    r = c.chat_completion(MESSAGES, model="meta-llama/Meta-Llama-3-8B-Instruct")
    return {"text": r.choices[0].message.content}


def stream(provider, model):
    def run():
        c = InferenceClient(provider=provider)
        chunks, text = 0, ""
        for ch in c.chat_completion(MESSAGES, model=model, stream=True):
            chunks += 1
            if ch.choices and ch.choices[0].delta.content:
                text += ch.choices[0].delta.content
        return {"chunks": chunks, "text": text}

    return run


def validation_422():
    InferenceClient(provider="hf-inference").text_generation("test", model="google/flan-t5-xxl", max_new_tokens=10000)
    return {"error": None}


def features():
    out = InferenceClient(provider="hf-inference").feature_extraction("Hi, who are you?", model="facebook/bart-base")
    return {"shape": list(out.shape)}


def classification():
    out = InferenceClient(provider="hf-inference").text_classification("I like you", model="distilbert/distilbert-base-uncased-finetuned-sst-2-english")
    return {"labels": [[o.label, o.score] for o in out]}


check("chat_together", chat_together)
check("stream_hyperbolic", stream("hyperbolic", "meta-llama/Llama-3.2-3B-Instruct"))
check("stream_hf_inference", stream("hf-inference", "meta-llama/Meta-Llama-3.1-8B-Instruct"))
check("validation_422", validation_422)
check("features", features)
check("classification", classification)
sys.stdout.write(json.dumps(results) + "\n")
