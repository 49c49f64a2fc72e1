"""A fake of OpenAI's Chat Completions endpoint for the end-to-end tests: `POST /v1/chat/completions`
on 127.0.0.1, in a thread of the test process, so the real `smartysales serve` classifies through
its real OpenAI adapter (SMARTYSALES_OPENAI_API_KEY / _BASE_URL / _MODEL, see
`server_environment`).

It speaks the documented wire format (the Swift fake in Sources/ProviderFakes/FakeOpenAIResponder.swift
does the same for the Swift tests): Bearer authentication first, answered with a 401 and OpenAI's
error body `{"error":{"message","type","param","code"}}` when the key is missing or wrong; 404
`unknown_url` for any other path; 400 for a body that is not a JSON object, has no model or no
messages, or asks for a strict `json_schema` format without a name or schema; otherwise a
`chat.completion` with id, object, created, model, choices[{index, message{role, content,
refusal}, finish_reason}] and usage.

The answer follows the product's classification prompt (Sources/LLM/Classification): the
categories are the system part's `- "<id>": <name>. <description>` lines, the messages the user
part's `<mN>` … `</mN>` blocks, and the reply is the JSON the schema asks for,
`{"results":[{"key","category","confidence","reason"}]}`. The verdict depends on the subject
alone (`category_kind`): a subject naming an invoice ("счёт", "invoice") goes to the invoice
category, everything else to the lead category. The subject rather than the text, because the
test knows every subject exactly (and checks the product decoded it so), while the text the
product sends is its own snippet of the body.
"""
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INVOICE_WORDS = ("счёт", "invoice")
# The starter categories' names (Sources/Domain/Inbox/InboxCategory+Defaults.swift) in both languages.
CATEGORY_NAMES = {"invoice": ("Счёт", "Invoice"), "lead": ("Заявка", "Lead")}
REASONS = {"invoice": "В теме назван счёт", "lead": "Счёта в теме нет: заявка"}
CONFIDENCE = 0.95

CATEGORY_LINE = re.compile(r'^- ("(?:[^"\\]|\\.)*"): (.*)$', re.M)
MESSAGE_BLOCK = re.compile(r"^<(m\d+)>\n(.*?)^</\1>$", re.M | re.S)
SUBJECT_LINE = re.compile(r"^subject: (.*)$", re.M)


def category_kind(subject):
    """"invoice" or "lead": the fake's verdict for a message with this subject."""
    folded = subject.casefold()
    return "invoice" if any(word in folded for word in INVOICE_WORDS) else "lead"


def masked_key(key):
    """OpenAI's way of quoting a wrong key back: the first three and last four characters."""
    if len(key) <= 10:
        return "*" * len(key)
    return key[:3] + "*" * (len(key) - 7) + key[-4:]


@dataclass
class Received:
    """One request as the fake saw it."""
    method: str
    path: str
    authorization: str
    status: int
    model: str = ""
    # {subject: "invoice" | "lead"} of the messages this request asked about.
    decisions: dict = field(default_factory=dict)


class FakeOpenAI:
    def __init__(self, api_key="sk-e2e-fake-openai-0123456789abcdef", model="gpt-e2e-fake"):
        self.api_key, self.model = api_key, model
        self._lock = threading.Lock()
        self._received = []
        self._problems = []
        self._ids = itertools.count(1)
        self._httpd = None
        self._thread = None

    # -- lifetime

    def start(self):
        fake = self

        class Handler(_Handler):
            owner = fake

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=10)
            self._httpd = None

    @property
    def port(self):
        return self._httpd.server_address[1]

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def server_environment(self):
        """What `smartysales serve` needs to classify through this fake as the platform's LLM."""
        return {"SMARTYSALES_OPENAI_API_KEY": self.api_key, "SMARTYSALES_OPENAI_BASE_URL": self.base_url,
                "SMARTYSALES_OPENAI_MODEL": self.model}

    # -- what happened

    def received(self):
        with self._lock:
            return list(self._received)

    def problems(self):
        """Requests that did not follow the product's own prompt and schema (categories or keys
        the fake could not find): each one fails the test that reads this."""
        with self._lock:
            return list(self._problems)

    def decisions(self):
        """{subject: kind} over every answered request."""
        result = {}
        for request in self.received():
            if request.status == 200:
                result.update(request.decisions)
        return result

    def _record(self, received):
        with self._lock:
            self._received.append(received)

    def _problem(self, text):
        with self._lock:
            self._problems.append(text)

    # -- answering

    def respond(self, method, path, headers, raw):
        """(status, body as a dict, extra headers) for one request; records it."""
        received = Received(method=method, path=path, authorization=headers.get("Authorization", ""), status=0)
        status, body, extra = self._respond(received, headers, raw)
        received.status = status
        self._record(received)
        return status, body, extra

    def _respond(self, received, headers, raw):
        authorization = headers.get("Authorization")
        if not authorization:
            return error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
                              "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
                              "username) if you're accessing the API from your browser and are prompted for a username and "
                              "password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                         "invalid_request_error")
        presented = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else authorization
        if presented != self.api_key:
            return error(401, f"Incorrect API key provided: {masked_key(presented)}. You can find your API key at "
                              "https://platform.openai.com/account/api-keys.", "invalid_request_error", code="invalid_api_key")
        if received.method != "POST" or received.path != "/v1/chat/completions":
            return error(404, f"Invalid URL ({received.method} {received.path})", "invalid_request_error", code="unknown_url")
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict):
            return error(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                              "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
                              "valid JSON.)", "invalid_request_error")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return error(400, "you must provide a model parameter", "invalid_request_error")
        received.model = model
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return error(400, "Missing required parameter: 'messages'.", "invalid_request_error", param="messages",
                         code="missing_required_parameter")
        response_format = body.get("response_format") or {}
        json_schema = response_format.get("json_schema") or {}
        if response_format.get("type") != "json_schema" or not json_schema.get("name") or not isinstance(json_schema.get("schema"), dict):
            self._problem(f"response_format is not a named json_schema: {json.dumps(response_format)[:300]}")
            return error(400, "Missing required parameter: 'response_format.json_schema.name'.", "invalid_request_error",
                         param="response_format.json_schema.name", code="missing_required_parameter")
        if json_schema.get("strict") is not True:
            self._problem("the json_schema format is not strict")

        system = "\n".join(text_of(m.get("content")) for m in messages if m.get("role") in ("system", "developer"))
        user = "\n".join(text_of(m.get("content")) for m in messages if m.get("role") == "user")
        content = json.dumps({"results": self._verdicts(system, user, json_schema["schema"], received)}, ensure_ascii=False)
        reply = {
            "id": f"chatcmpl-e2e{next(self._ids):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }],
            "usage": usage(system + user, content),
            "service_tier": "default",
            "system_fingerprint": "fp_e2efake01",
        }
        return 200, reply, {"x-request-id": f"req_e2e{next(self._ids):06d}"}

    def _verdicts(self, system, user, schema, received):
        ids = {}
        for quoted, rest in CATEGORY_LINE.findall(system):
            name = rest.split(". ", 1)[0]
            for kind, names in CATEGORY_NAMES.items():
                if name in names:
                    ids[kind] = json.loads(quoted)
        item = (((schema.get("properties") or {}).get("results") or {}).get("items") or {}).get("properties") or {}
        allowed_categories = set((item.get("category") or {}).get("enum") or [])
        allowed_keys = set((item.get("key") or {}).get("enum") or [])
        for kind in CATEGORY_NAMES:
            if ids.get(kind) not in allowed_categories:
                self._problem(f"no {kind} category ({' / '.join(CATEGORY_NAMES[kind])}) both in the prompt and in the schema's "
                              f"enum: prompt {ids}, enum {sorted(allowed_categories)}")
        results = []
        blocks = MESSAGE_BLOCK.findall(user)
        if not blocks:
            self._problem(f"no <mN> message blocks in the user part: {user[:300]!r}")
        for key, block in blocks:
            if key not in allowed_keys:
                self._problem(f"message key {key} is not in the schema's enum {sorted(allowed_keys)}")
            found = SUBJECT_LINE.search(block)
            subject = found.group(1) if found else ""
            kind = category_kind(subject)
            received.decisions[subject] = kind
            category = ids.get(kind) if ids.get(kind) in allowed_categories else "none"
            results.append({"key": key, "category": category, "confidence": CONFIDENCE, "reason": REASONS[kind]})
        return results


def text_of(content):
    """A message's content: a string, or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def usage(prompt, answer):
    """Token counts at about four characters a token, in the documented shape."""
    prompt_tokens, completion_tokens = max(1, len(prompt) // 4), max(1, len(answer) // 4)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
    }


def error(status, message, error_type, param=None, code=None):
    return status, {"error": {"message": message, "type": error_type, "param": param, "code": code}}, {}


class _Handler(BaseHTTPRequestHandler):
    owner = None  # the FakeOpenAI, set by a subclass per server
    protocol_version = "HTTP/1.1"  # keep-alive, as AsyncHTTPClient pools connections

    def do_POST(self):
        self._answer()

    def do_GET(self):
        self._answer()

    def _answer(self):
        raw = self._body()
        status, body, extra = self.owner.respond(self.command, self.path.split("?", 1)[0], self.headers, raw)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("openai-processing-ms", "1")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass
