#!/usr/bin/env python3
"""Renders a GGUF's chat template the way Hugging Face's apply_chat_template does.

The output is the reference the Java renderer (inference/.../llama/ChatTemplate) must match byte for
byte. Usage:

    pip install jinja2 gguf
    scripts/render_chat_template.py MODEL.gguf CONVERSATION.json > reference.txt
    scripts/render_chat_template.py --template FILE.jinja CONVERSATION.json > reference.txt

CONVERSATION.json holds {"messages": [...], "tools": [...]} in OpenAI's shape; tool-call arguments
(JSON text in OpenAI's API) are passed to the template as objects, as Hugging Face expects them.
"""
import argparse
import json
import sys
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def read_gguf(path):
    import gguf
    reader = gguf.GGUFReader(path)

    def field(key):
        f = reader.fields.get(key)
        return None if f is None else f.parts[f.data[0]]

    template = field("tokenizer.chat_template")
    if template is None:
        sys.exit(f"{path} has no tokenizer.chat_template")
    tokens = reader.fields["tokenizer.ggml.tokens"]
    special = {}
    for name in ("bos", "eos", "unknown", "padding"):
        ids = field(f"tokenizer.ggml.{name}_token_id")
        if ids is not None:
            key = {"unknown": "unk", "padding": "pad"}.get(name, name) + "_token"
            special[key] = bytes(tokens.parts[tokens.data[int(ids[0])]]).decode("utf-8")
    return bytes(template).decode("utf-8"), special


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers.utils.chat_template_utils: jinja2's own tojson escapes HTML, this does not.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def render(template, special, conversation, add_generation_prompt=True):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    messages = []
    for m in conversation["messages"]:
        m = dict(m)
        if m.get("tool_calls"):
            calls = []
            for c in m["tool_calls"]:
                c = json.loads(json.dumps(c))
                args = c["function"].get("arguments")
                if isinstance(args, str):
                    c["function"]["arguments"] = json.loads(args) if args.strip() else {}
                calls.append(c)
            m["tool_calls"] = calls
        messages.append(m)
    tools = conversation.get("tools") or None
    return env.from_string(template).render(messages=messages, tools=tools,
                                            add_generation_prompt=add_generation_prompt, **special)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", help="a GGUF file, or a template file with --template")
    p.add_argument("conversation")
    p.add_argument("--template", action="store_true", help="source is a Jinja file; special tokens from --special")
    p.add_argument("--special", default="{}", help='JSON of special tokens, e.g. {"bos_token": "<s>"}')
    a = p.parse_args()
    if a.template:
        with open(a.source, encoding="utf-8") as f:
            template, special = f.read(), json.loads(a.special)
    else:
        template, special = read_gguf(a.source)
    with open(a.conversation, encoding="utf-8") as f:
        conversation = json.load(f)
    sys.stdout.write(render(template, special, conversation))


if __name__ == "__main__":
    main()
