"""fake_openai.py on its own (no server binary needed): the wire format the inbox pipeline's
[fake_openai] test relies on, so a failure there points at the product, not at the fake."""
import json
import urllib.error
import urllib.request

import pytest

from fake_openai import FakeOpenAI

SYSTEM = "\n".join([
    "You sort a company's incoming business e-mail into the company's own categories.",
    "Rules:",
    "- Put each message into exactly one category below, by its id, or \"none\" if no category fits.",
    "- Reply in JSON only: {\"results\":[{\"key\":\"m1\",\"category\":\"<id or none>\",\"confidence\":0.9,\"reason\":\"...\"}]}",
    "Categories:",
    '- "0A1B2C3D-0000-0000-0000-000000000001": Заявка. Запрос цены или коммерческого предложения.',
    "  Example: Просим выставить КП.",
    '- "0A1B2C3D-0000-0000-0000-000000000002": Счёт. Счета на оплату, акты. Напоминания.',
    '- "0A1B2C3D-0000-0000-0000-000000000003": Спам',
])
USER = "\n".join(["<m1>", "from: Иван (ivan@promsnab.ru)", "subject: Счёт на оплату 12", "text: Направляем счёт.", "</m1>",
                  "<m2>", "from: john@example.com", "subject: Re: Request for a quote 3", "</m2>"])
IDS = ["0A1B2C3D-0000-0000-0000-000000000001", "0A1B2C3D-0000-0000-0000-000000000002", "0A1B2C3D-0000-0000-0000-000000000003"]


def request_body(model="gpt-e2e-fake"):
    result = {"type": "object", "properties": {
        "key": {"type": "string", "enum": ["m1", "m2"]},
        "category": {"type": "string", "enum": IDS + ["none"]},
        "confidence": {"type": "number"}, "reason": {"type": "string"}},
        "required": ["key", "category", "confidence", "reason"], "additionalProperties": False}
    schema = {"type": "object", "properties": {"results": {"type": "array", "items": result}},
              "required": ["results"], "additionalProperties": False}
    return {"model": model, "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "message_categories", "strict": True, "schema": schema}},
            "max_completion_tokens": 364}


@pytest.fixture
def fake():
    started = FakeOpenAI().start()
    yield started
    started.stop()


def post(fake, body, authorization, path="/v1/chat/completions"):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    request = urllib.request.Request(f"http://127.0.0.1:{fake.port}{path}", data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_answers_in_the_schema_the_product_asks_for(fake):
    status, headers, reply = post(fake, request_body(), f"Bearer {fake.api_key}")
    assert status == 200 and headers["Content-Type"] == "application/json", (status, reply)
    assert reply["object"] == "chat.completion" and reply["model"] == "gpt-e2e-fake" and reply["id"].startswith("chatcmpl-")
    assert isinstance(reply["created"], int) and reply["usage"]["total_tokens"] > 0
    choice = reply["choices"][0]
    assert (choice["index"], choice["finish_reason"], choice["message"]["role"]) == (0, "stop", "assistant")
    results = json.loads(choice["message"]["content"])["results"]
    assert [(r["key"], r["category"]) for r in results] == [("m1", IDS[1]), ("m2", IDS[0])], results
    assert all(set(r) == {"key", "category", "confidence", "reason"} and r["confidence"] > 0.6 for r in results), results
    assert fake.decisions() == {"Счёт на оплату 12": "invoice", "Re: Request for a quote 3": "lead"}
    assert fake.problems() == []


@pytest.mark.parametrize("authorization", [None, "Bearer sk-wrong-0123456789abcdef"])
def test_a_missing_or_wrong_key_is_refused_as_openai_does(fake, authorization):
    status, _, reply = post(fake, request_body(), authorization)
    assert status == 401, reply
    assert set(reply["error"]) == {"message", "type", "param", "code"}, reply
    assert reply["error"]["type"] == "invalid_request_error"
    assert reply["error"]["code"] == (None if authorization is None else "invalid_api_key"), reply
    assert "sk-wrong-0123456789abcdef" not in reply["error"]["message"], "the wrong key is quoted back unmasked"
    assert fake.decisions() == {}, "a refused request was answered"
    assert [r.status for r in fake.received()] == [401]


def test_other_paths_are_unknown_urls(fake):
    status, _, reply = post(fake, request_body(), f"Bearer {fake.api_key}", path="/v1/completions")
    assert (status, reply["error"]["code"]) == (404, "unknown_url"), reply
