"""Writes template_cases.json: every chat template of the kit (../shared/tokenizers/llama.cpp-vocab/templates and
the Qwen3 tokenizer_config.json) rendered by jinja2 as transformers' apply_chat_template renders it, for the kit's
requests (../shared/reference/chat/qwen3/*.json) and the edge-case requests below.

Content given as a list of text parts is passed as it is to templates that loop over content and joined with
newlines for the others (as vLLM and Ariadne do; transformers would hand such templates the list). strftime_now
reads the fixed DATE. Run with jinja2 3.1.x from this directory:  python3 make_template_cases.py SHARED_DIR
"""
import datetime
import json
import os
import re
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

DATE = "2026-01-15"
SPECIAL_TOKENS = {"bos_token": "<BOS>", "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Wetter für eine Stadt — «heute» ☀",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City"}},
                   "required": ["city"]}}}

EXTRA = {
    "content_parts": {"messages": [
        {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
        {"role": "user", "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": "world"}]}],
        "add_generation_prompt": True},
    "tool_call_string_args": {"messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
        {"role": "tool", "content": "sunny"}], "tools": [WEATHER], "add_generation_prompt": True},
    "reasoning_content_tool_loop": {"messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": "", "reasoning_content": "\nI should call the tool.\n", "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
        {"role": "tool", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny.", "reasoning_content": "The tool said sunny."}],
        "tools": [WEATHER], "add_generation_prompt": False},
    "enable_thinking_true": {"messages": [{"role": "user", "content": "Think hard."}],
                             "add_generation_prompt": True, "enable_thinking": True},
    "unicode_and_escapes": {"messages": [
        {"role": "user", "content": "Grüße, 日本語 😀 \"quotes\" \\ back\tslash\n{{ not a tag }}"}],
        "tools": [WEATHER], "add_generation_prompt": True},
    "multi_turn_thinking": {"messages": [
        {"role": "user", "content": "a?"},
        {"role": "assistant", "content": "<think>\nfirst\n</think>\n\nA"},
        {"role": "user", "content": "b?"},
        {"role": "assistant", "content": "<think>\nsecond\n</think>\n\nB"}], "add_generation_prompt": False},
    "system_only": {"messages": [{"role": "system", "content": "You are terse."}], "add_generation_prompt": True},
    "assistant_null_content_tool_call": {"messages": [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Rome"}}}]}],
        "tools": [WEATHER], "add_generation_prompt": False},
}

LOOPS_OVER_CONTENT = re.compile(r"for \w+ in (\w+\.content|\w+\[['\"]content['\"]\]|content)\b")


def environment():
    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def strftime_now(fmt):
        return datetime.datetime.strptime(DATE, "%Y-%m-%d").strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def flatten(messages):
    out = []
    for m in messages:
        if isinstance(m.get("content"), list):
            m = dict(m, content="\n".join(p["text"] for p in m["content"]))
        out.append(m)
    return out


def main():
    shared = sys.argv[1]
    templates = {"tokenizers/qwen3/tokenizer_config.json":
                 json.load(open(os.path.join(shared, "tokenizers/qwen3/tokenizer_config.json")))["chat_template"]}
    tdir = "tokenizers/llama.cpp-vocab/templates"
    for name in sorted(os.listdir(os.path.join(shared, tdir))):
        templates[f"{tdir}/{name}"] = open(os.path.join(shared, tdir, name), encoding="utf-8").read()
    kit = os.path.join(shared, "reference/chat/qwen3")
    requests = {c: json.load(open(os.path.join(kit, c + ".json")))
                for c in json.load(open(os.path.join(kit, "index.json")))["cases"]}
    requests.update(EXTRA)
    env = environment()
    results = []
    for path, source in templates.items():
        compiled = env.from_string(source)
        for rname, req in requests.items():
            kw = dict(req)
            messages = kw.pop("messages")
            if not LOOPS_OVER_CONTENT.search(source):
                messages = flatten(messages)
            tools = kw.pop("tools", None)
            agp = kw.pop("add_generation_prompt", False)
            result = {"template": path, "request": rname}
            try:
                result["output"] = compiled.render(messages=messages, tools=tools, documents=None,
                                                   add_generation_prompt=agp, **SPECIAL_TOKENS, **kw)
            except Exception as e:  # noqa: BLE001 - a template's failure is an expected result
                result["error"] = type(e).__name__
                result["message"] = str(e)
            results.append(result)
    json.dump({"jinja2": jinja2.__version__, "date": DATE, "special_tokens": SPECIAL_TOKENS, "requests": EXTRA,
               "results": results}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
