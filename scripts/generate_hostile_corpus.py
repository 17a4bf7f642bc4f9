#!/usr/bin/env python3
"""Generates the hostile-request corpus the server must survive (tools/src/test/resources/hostile/corpus.jsonl).

  python3 scripts/generate_hostile_corpus.py > tools/src/test/resources/hostile/corpus.jsonl

HostileRequestsTest sends every line to a real server and asserts: no 5xx, an OpenAI-shaped error on
every 4xx, no Java class names or server paths in any message, /health under 1 s between requests.
Each line: name, method (default POST), path (default /v1/chat/completions), the body as text
("body") or as base64 for bytes that are not UTF-8 ("body_base64"), and optionally the exact
"status" and error "code" expected. In bodies, {{MODEL}} stands for the served model's name and
{{SCHEMA_URL}} for a test server that counts the requests it gets (it must get none).

Requests that pass validation and reach the model ask for a few tokens, or for an answer a schema
keeps to one token, so the corpus costs seconds of generation, not minutes.
"""
import base64
import json

OUT = []
USER = [{"role": "user", "content": "Say yes."}]


def add(name, body=None, status=None, code=None, path="/v1/chat/completions", method="POST", raw=None):
    entry = {"name": name, "method": method, "path": path}
    if raw is not None:
        entry["body_base64"] = base64.b64encode(raw).decode()
    elif body is not None:
        entry["body"] = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    if status is not None:
        entry["status"] = status
    if code is not None:
        entry["code"] = code
    OUT.append(entry)


def chat(**fields):
    body = {"model": "{{MODEL}}", "max_tokens": 2, "messages": USER}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def bad(name, status=400, code=None, **fields):
    add(name, chat(**fields), status=status, code=code)


def schema_format(schema):
    return {"type": "json_schema", "json_schema": {"name": "x", "strict": True, "schema": schema}}


def tool(parameters, name="t"):
    return {"type": "function", "function": {"name": name, "description": "d", "parameters": parameters}}


VALID = json.dumps(chat())

# ---------------------------------------------------------------- malformed JSON
for i, text in enumerate([
    "{", "}", "[", "]", "{\"model\":", "{\"model\":\"auto\",}", "{\"model\":\"auto\" \"messages\":[]}",
    "{'model':'auto'}", "{model:\"auto\"}", "{\"model\":NaN}", "{\"model\":\"auto\",\"seed\":Infinity}",
    "{\"seed\":-Infinity}", "// comment\n" + VALID, "/* c */" + VALID, "{\"model\":\"auto\"\u0000}",
    "{\"model\":\"a\u0001b\"}", "{\"model\":\"\\q\"}", "{\"model\":\"\\uZZZZ\"}", "{\"seed\":01}", "{\"seed\":+1}",
    "{\"seed\":.5}", "{\"seed\":1.}", "{\"seed\":0x10}", "{\"seed\":-}", "{\"a\":[1,2}", "{\"a\":{\"b\":1]}",
    "tru", "nul", "\"unterminated", VALID[:-1], VALID[: len(VALID) // 2], "{\"messages\":[{\"role\":\"user\",\"content\":\"hi",
]):
    add("malformed-%02d" % i, text, status=400, code="invalid_json")
add("malformed-invalid-utf8", raw=b'{"model":"\xff\xfe","messages":[]}', status=400, code="invalid_json")
add("malformed-utf16-bom", raw=b'\xfe\xff\x00{\x00}', status=400)
add("malformed-lone-continuation-bytes", raw=b'\x80\x81\x82', status=400, code="invalid_json")
add("malformed-binary-zeros", raw=b'\x00' * 64, status=400)

# not an object
for i, text in enumerate(["null", "true", "1", "\"text\"", "[]", "[1,2]", "[" + VALID + "]"]):
    add("not-an-object-%d" % i, text, status=400)
add("empty-body", "", status=400)
add("whitespace-body", "   \n\t ", status=400)

# strict parsing: one value, no duplicate keys
add("trailing-garbage", VALID + " x", status=400, code="invalid_json")
add("trailing-bracket", VALID + "]", status=400, code="invalid_json")
add("two-objects", VALID + VALID, status=400, code="invalid_json")
add("two-objects-newline", VALID + "\n" + VALID, status=400, code="invalid_json")
add("object-then-number", VALID + " 1", status=400, code="invalid_json")
add("duplicate-model", "{\"model\":\"{{MODEL}}\",\"model\":\"auto\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400, code="invalid_json")
add("duplicate-messages", "{\"model\":\"{{MODEL}}\",\"messages\":[],\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400, code="invalid_json")
add("duplicate-nested-role", "{\"model\":\"{{MODEL}}\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"hi\"}]}",
    status=400, code="invalid_json")
add("duplicate-in-schema", "{\"model\":\"{{MODEL}}\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
    "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"type\":\"string\"}}}}",
    status=400, code="invalid_json")

# past the parser's limits
add("nesting-arrays-1001", "[" * 1001, status=400, code="invalid_json")
add("nesting-arrays-1001-closed", "[" * 1001 + "]" * 1001, status=400, code="invalid_json")
add("nesting-arrays-20000", "[" * 20000, status=400, code="invalid_json")
add("nesting-objects-1001", "{\"a\":" * 1001 + "1" + "}" * 1001, status=400, code="invalid_json")
add("nesting-in-content", "{\"model\":\"{{MODEL}}\",\"messages\":[{\"role\":\"user\",\"content\":" + "[" * 1001 + "]" * 1001 + "}]}",
    status=400, code="invalid_json")
add("nesting-999-in-content", "{\"model\":\"{{MODEL}}\",\"messages\":[{\"role\":\"user\",\"content\":" + "[" * 990 + "]" * 990 + "}]}",
    status=400)
add("seed-1001-digits", "{\"model\":\"{{MODEL}}\",\"max_tokens\":2,\"seed\":" + "9" * 1001 + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400, code="invalid_json")
add("temperature-1001-digits", "{\"model\":\"{{MODEL}}\",\"temperature\":0." + "1" * 1001 + ",\"messages\":[]}", status=400, code="invalid_json")
add("max-tokens-5000-digits", "{\"model\":\"{{MODEL}}\",\"max_tokens\":" + "1" * 5000 + ",\"messages\":[]}", status=400, code="invalid_json")
add("seed-999-digits", "{\"model\":\"{{MODEL}}\",\"max_tokens\":2,\"seed\":" + "9" * 999 + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400)
add("seed-huge-exponent", "{\"model\":\"{{MODEL}}\",\"max_tokens\":2,\"seed\":1e999999999,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400)
add("max-tokens-huge-exponent", "{\"model\":\"{{MODEL}}\",\"max_tokens\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400)
add("temperature-huge-exponent", "{\"model\":\"{{MODEL}}\",\"temperature\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    status=400)

# ---------------------------------------------------------------- model
for i, model in enumerate([None, 1, True, [], {}, 1.5]):
    bad("model-wrong-type-%d" % i, model=model)
bad("model-missing", model=None)
bad("model-empty", model="")
bad("model-blank", model="   ")
bad("model-unknown", status=404, code="model_not_found", model="gpt-99")
bad("model-auto-trailing-space", status=404, model="auto ")
bad("model-very-long", status=404, model="m" * 20000)
bad("model-control-chars", status=404, model="\u0001\u0002\n\r")
bad("model-path-like", status=404, model="../../etc/passwd")
bad("model-url", status=404, model="http://127.0.0.1:1/")

# ---------------------------------------------------------------- messages
for i, messages in enumerate([None, {}, "hi", 1, True, [], [None], [1], ["hi"], [[]], [{}]]):
    bad("messages-shape-%02d" % i, messages=messages)
for i, role in enumerate([1, None, "", "robot", "USER", "function", [], {}]):
    bad("role-%d" % i, messages=[{"role": role, "content": "hi"}])
for i, content in enumerate([1, True, {}, [1], [None], [{}], [{"type": "image_url", "image_url": {"url": "file:///etc/passwd"}}],
                             [{"type": "text"}], [{"type": "text", "text": 1}], [{"type": "text", "text": None}], [{"type": 1}]]):
    bad("content-wrong-type-%02d" % i, messages=[{"role": "user", "content": content}])
bad("name-wrong-type", messages=[{"role": "user", "content": "hi", "name": 1}])
bad("tool-message-without-id", messages=[{"role": "tool", "content": "42"}])
bad("tool-message-id-number", messages=[{"role": "tool", "content": "42", "tool_call_id": 7}])
bad("tool-calls-string", messages=[{"role": "assistant", "content": None, "tool_calls": "x"}, USER[0]])
bad("tool-calls-number-item", messages=[{"role": "assistant", "tool_calls": [1]}, USER[0]])
bad("tool-calls-no-function", messages=[{"role": "assistant", "tool_calls": [{"id": "c", "type": "function"}]}, USER[0]])
bad("tool-calls-function-string", messages=[{"role": "assistant", "tool_calls": [{"id": "c", "function": "f"}]}, USER[0]])
bad("tool-calls-no-name", messages=[{"role": "assistant", "tool_calls": [{"id": "c", "function": {"arguments": "{}"}}]}, USER[0]])
bad("tool-calls-arguments-object", messages=[{"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": {}}}]}, USER[0]])
bad("tool-calls-id-number", messages=[{"role": "assistant", "tool_calls": [{"id": 1, "function": {"name": "f", "arguments": "{}"}}]}, USER[0]])

# blank and odd content reaches the model: a named model answers, auto must not fail either
for model in ["{{MODEL}}", "auto"]:
    for i, content in enumerate(["", "   ", None, [], "\u0001\u0002", "\udc00\ud800", "\u0000", "\ufeff", "\u202e\u200b"]):
        body = json.dumps(chat(model=model, messages=[{"role": "user", "content": content}]), ensure_ascii=True)
        add("blank-content-%s-%d" % ("auto" if model == "auto" else "model", i), body)
add("only-system-message", chat(messages=[{"role": "system", "content": "You are terse."}]))
add("only-assistant-message", chat(messages=[{"role": "assistant", "content": "Hello"}]))
add("many-messages-over-context", chat(messages=[{"role": "user", "content": "x"}] * 1500), status=400)

# ---------------------------------------------------------------- sampling fields
for i, t in enumerate(["hot", True, [], {}, -1, 2.5, 1000]):
    bad("temperature-%d" % i, temperature=t)
for i, p in enumerate(["x", True, [], -1, 1.5]):
    bad("top-p-%d" % i, top_p=p)
for i, m in enumerate([0, -1, -2147483649, 2.5, "10", True, [], {}]):
    bad("max-tokens-%d" % i, max_tokens=m)
bad("max-completion-tokens-negative", max_completion_tokens=-5)
bad("max-completion-tokens-string", max_completion_tokens="5")
for i, s in enumerate(["x", 1.5, True, [], 1e30, 99999999999999999999999]):
    bad("seed-%d" % i, seed=s)
for i, s in enumerate([1, True, {}, [1], [""], [None], ["a", "b", "c", "d", "e"], ["s"] * 1000, [[]]]):
    bad("stop-%d" % i, stop=s)
add("stop-very-long-string", chat(stop="z" * 20000))
for i, n in enumerate([2, 0, -1, "1", 1.5, True]):
    bad("n-%d" % i, n=n)
for i, v in enumerate(["yes", 1, [], {}]):
    bad("stream-%d" % i, stream=v)
for i, v in enumerate(["x", 1, [], {"include_usage": "yes"}, {"include_usage": 1}]):
    bad("stream-options-%d" % i, stream=True, stream_options=v)
for i, v in enumerate([True, "x", 1]):
    bad("logprobs-%d" % i, logprobs=v)
bad("top-logprobs", top_logprobs=5)
for i, v in enumerate([1, "x", True, -2]):
    bad("frequency-penalty-%d" % i, frequency_penalty=v)
bad("presence-penalty", presence_penalty=0.5)
for i, v in enumerate(["yes", 1, [], {}]):
    bad("parallel-tool-calls-%d" % i, parallel_tool_calls=v, tools=[tool({"type": "object", "properties": {}})])

# huge max_tokens on requests that end at once: a one-value schema bounds the answer
add("max-tokens-int-max-schema-bounded", chat(max_tokens=2147483647, response_format=schema_format({"type": "boolean"})))
add("max-tokens-huge-long-schema-bounded", chat(max_tokens=10 ** 15, response_format=schema_format({"type": "string", "enum": ["y"]})))
add("max-tokens-huge-stream-schema-bounded", chat(max_tokens=10 ** 12, stream=True, response_format=schema_format({"type": "boolean"})))

# ---------------------------------------------------------------- response_format
for i, rf in enumerate(["json", 1, [], {}, {"type": 1}, {"type": "xml"}, {"type": "json_schema"},
                        {"type": "json_schema", "json_schema": "x"}, {"type": "json_schema", "json_schema": {}},
                        {"type": "json_schema", "json_schema": {"name": "x", "schema": "x"}},
                        {"type": "json_schema", "json_schema": {"name": "x", "schema": 1}},
                        {"type": "json_schema", "json_schema": {"name": "x", "schema": []}},
                        {"type": "json_schema", "json_schema": {"name": "x", "strict": "yes", "schema": {"type": "object"}}}]):
    bad("response-format-%02d" % i, response_format=rf)

REMOTE = ["{{SCHEMA_URL}}/slow.json", "{{SCHEMA_URL}}/s.json#/defs/x", "https://json-schema.org/draft/2020-12/meta/core",
          "file:///etc/passwd", "file:///etc/hostname", "/etc/hostname", "/etc/passwd", "/dev/urandom", "/proc/self/environ",
          "/nonexistent/missing.json", "s.json", "../s.json", "classpath:draft/2020-12/schema", "jar:file:/x.jar!/a.json",
          "ftp://127.0.0.1/x.json", "\\\\server\\share\\x.json"]
for i, target in enumerate(REMOTE):
    bad("schema-remote-ref-%02d" % i, code="invalid_schema", response_format=schema_format(
        {"type": "object", "properties": {"s": {"$ref": target}}, "required": ["s"]}))
for i, target in enumerate(REMOTE[:6]):
    bad("tool-remote-ref-%02d" % i, code="invalid_schema", tools=[tool({"type": "object", "properties": {"s": {"$ref": target}}})])
bad("schema-remote-ref-in-defs", code="invalid_schema", response_format=schema_format(
    {"type": "object", "$defs": {"a": {"$ref": "{{SCHEMA_URL}}/a.json"}}, "properties": {"s": {"$ref": "#/$defs/a"}}}))
bad("schema-remote-dynamic-ref", code="invalid_schema", response_format=schema_format({"$dynamicRef": "{{SCHEMA_URL}}/d.json"}))
bad("schema-remote-id-relative-ref", code="invalid_schema", response_format=schema_format(
    {"$id": "{{SCHEMA_URL}}/root.json", "type": "object", "properties": {"s": {"$ref": "other.json"}}}))
bad("schema-remote-id-missing-local", code="invalid_schema", response_format=schema_format(
    {"$id": "{{SCHEMA_URL}}/root.json", "type": "object", "properties": {"s": {"$ref": "#/$defs/missing"}}}))
bad("schema-remote-meta-schema", code="invalid_schema", response_format=schema_format({"$schema": "{{SCHEMA_URL}}/meta.json", "type": "object"}))
bad("tool-remote-meta-schema", code="invalid_schema", tools=[tool({"$schema": "file:///etc/passwd", "type": "object"})])
bad("tool-remote-ref-in-allof", code="invalid_schema", tools=[tool({"allOf": [{"$ref": "{{SCHEMA_URL}}/all.json"}]})])
bad("schema-remote-ref-under-property-named-enum", code="invalid_schema", response_format=schema_format(
    {"type": "object", "properties": {"enum": {"$ref": "{{SCHEMA_URL}}/e.json"}}}))
add("schema-property-named-ref", chat(response_format=schema_format(
    {"type": "object", "properties": {"$ref": {"type": "boolean"}}, "required": ["$ref"]})))
bad("schema-anchor-ref", response_format=schema_format({"type": "object", "properties": {"s": {"$ref": "#name"}},
                                                          "$defs": {"n": {"$anchor": "name", "type": "string"}}}))
bad("schema-dangling-local-ref", code="invalid_schema", response_format=schema_format({"type": "object", "properties": {"s": {"$ref": "#/$defs/none"}}}))
bad("schema-bad-pointer-escape", code="invalid_schema", response_format=schema_format({"type": "object", "properties": {"s": {"$ref": "#/a~2b"}}}))
for i, pattern in enumerate(["[a-", "(", "*", "a{2,1}", "(?<", "\\", "[z-a]", "(" * 5000]):
    bad("schema-bad-pattern-%d" % i, code="invalid_schema", response_format=schema_format(
        {"type": "object", "properties": {"s": {"type": "string", "pattern": pattern}}}))
bad("tool-bad-pattern", code="invalid_schema", tools=[tool({"type": "object", "properties": {"s": {"type": "string", "pattern": "[a-"}}})])
bad("schema-bad-pattern-properties", code="invalid_schema", response_format=schema_format({"type": "object", "patternProperties": {"(": {}}}))
for i, schema in enumerate([{"type": 12}, {"type": "nothing"}, {"required": "all"}, {"properties": []}, {"enum": "a"},
                            {"minLength": "x"}, {"minLength": -1}, {"multipleOf": 0}, {"items": 1}, {"allOf": {}},
                            {"$defs": 1}, {"additionalProperties": "no"}, {"type": ["string", 1]}, {"$ref": 1}]):
    bad("schema-invalid-%02d" % i, code="invalid_schema", response_format=schema_format(schema))
add("schema-deeply-nested-items", chat(response_format=schema_format(
    json.loads("{\"type\":\"array\",\"items\":" * 300 + "{\"type\":\"integer\"}" + "}" * 300))))
add("schema-huge-enum", chat(response_format=schema_format({"type": "string", "enum": ["v%d" % i for i in range(5000)]})))
# counts past the repetitions a grammar holds (llama.cpp's parser stops at 2000): a lower bound is refused in
# the schema's terms, an upper one runs and is left to validation; never an overflow or a table sized by the count
for i, schema in enumerate([{"type": "string", "minLength": 5000}, {"type": "array", "minItems": 100000},
                            {"type": "string", "pattern": "^a{2,99999999999}$"}, {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 5000}]):
    bad("schema-huge-count-%d" % i, code="invalid_schema", response_format=schema_format(schema))
for i, schema in enumerate([{"type": "string", "maxLength": 10 ** 30}, {"type": "string", "pattern": "^a{1,99999}$"},
                            {"type": "object", "properties": {"p%d" % n: {"type": "boolean"} for n in range(200)},
                             "maxProperties": 2 ** 31 - 1}]):
    add("schema-huge-upper-bound-%d" % i, chat(response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}),
        status=200)

# ---------------------------------------------------------------- tools and tool_choice
for i, tools in enumerate([{}, "x", 1, [1], [None], [{}], [{"type": "function"}], [{"type": "function", "function": {}}],
                           [{"type": "function", "function": "f"}], [{"type": "retrieval"}],
                           [{"type": "function", "function": {"name": 1}}], [{"type": "function", "function": {"name": ""}}],
                           [{"type": "function", "function": {"name": "has space"}}],
                           [{"type": "function", "function": {"name": "n" * 5000}}],
                           [{"type": "function", "function": {"name": "t", "parameters": "x"}}],
                           [{"type": "function", "function": {"name": "t", "parameters": []}}],
                           [{"type": "function", "function": {"name": "t", "parameters": {"type": 12}}}],
                           [{"type": "function", "function": {"name": "t", "parameters": {"type": "object", "required": "all"}}}],
                           [tool({"type": "object"}), tool({"type": "object"})]]):
    bad("tools-%02d" % i, tools=tools)
for i, choice in enumerate(["maybe", 1, True, [], {}, {"type": "function"}, {"type": "function", "function": {}},
                            {"type": "function", "function": {"name": 1}}, {"type": "function", "function": {"name": "nowhere"}}]):
    bad("tool-choice-%d" % i, tool_choice=choice, tools=[tool({"type": "object", "properties": {}})])
bad("tool-choice-required-without-tools", tool_choice="required")
bad("tool-choice-named-without-tools", tool_choice={"type": "function", "function": {"name": "t"}})
bad("tools-and-response-format", tools=[tool({"type": "object", "properties": {}})], response_format={"type": "json_object"})

# ---------------------------------------------------------------- other endpoints
for i, text in enumerate(["", "{", "[]", "1", "{\"id\":\"a\",\"id\":\"b\",\"rating\":\"good\"}", "{\"id\":\"a\"} x", "[" * 1001,
                          "{\"id\":" + "9" * 1001 + "}"]):
    add("feedback-%d" % i, text, status=400, path="/v1/feedback")
for i, text in enumerate(["{", "{\"a\":1}{\"b\":2}", "{\"a\":1,\"a\":2}", "[" * 1001, "{\"a\":1}", "{\"a\":1,\"b\":\"x\"}", "[1,2]"]):
    add("tool-invoke-%d" % i, text, status=400, path="/v1/tools/add/invoke")
add("tool-invoke-unknown", "{}", status=404, path="/v1/tools/nope/invoke")
add("tool-invoke-traversal", "{}", status=404, path="/v1/tools/..%2F..%2Fetc%2Fpasswd/invoke")
add("unknown-endpoint", "{}", status=404, path="/v1/completions")
add("unknown-endpoint-traversal", None, status=404, path="/v1/../../etc/passwd", method="GET")
add("get-chat-completions", None, status=405, method="GET")
add("delete-models", None, status=405, path="/v1/models", method="DELETE")

print("\n".join(json.dumps(e, ensure_ascii=True) for e in OUT))
