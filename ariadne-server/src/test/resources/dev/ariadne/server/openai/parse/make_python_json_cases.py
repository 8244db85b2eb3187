"""Writes python_json_cases.json: what Python's json.loads then json.dumps(value, ensure_ascii=False) makes of each
text, the round trip vLLM's Hermes tool parser applies to tool-call arguments (PythonJsonTest reads it).
A case whose json.loads raises has "error" instead of "dumps". Run: python3 make_python_json_cases.py"""
import json
import pathlib

TEXTS = [
    '{"city": "Paris"}',
    '{"city":"Paris","days":3}',
    '  {\n  "a" : [1,2 , 3],\n"b":{}}  \n',
    '{"q": "5MW燃气轮机设计参数 空气流量"}',
    '{"e": "caf\\u00e9", "emoji": "\\ud83d\\ude00", "raw": "😀"}',
    '{"esc": "line\\nnext\\ttab \\"quoted\\" back\\\\slash \\/ slash \\b\\f\\r"}',
    '{"ctl": "\\u0000\\u001f\\u007f"}',
    '{"f": [1.0, 1e5, 1E-7, 0.1, 1.5e300, 5e-324, 123.456e2, 1.0000000000000002, 2.5e-5, 1e16, 1e15, 0.0001, 1e-323, 1.5e-323, 9.8e-324]}',
    '{"i": [0, -0, -1, 12345678901234567890123, -98765432109876543210, 9223372036854775807]}',
    '{"neg": -0.0, "big": 1e400, "small": -1e400}',
    '{"n": NaN, "p": Infinity, "m": -Infinity}',
    '{"x": 1, "y": 2, "x": 3}',
    '{"nested": {"list": [{"k": null}, true, false, "s"]}}',
    '[]',
    '[1, "two", {"three": 3}]',
    '"just a string"',
    '42',
    'null',
    '{}',
    '{"a": 1,}',
    "{'a': 1}",
    '{"a": 1} trailing',
    '{"a": 1}{"b": 2}',
    '',
    '   ',
    '{"a": "literal\nnewline"}',
    '{"a": 01}',
    '{"a": .5}',
    '{"a": 1.}',
    '{"a" 1}',
    '{"a": tru}',
    '{"unicode_key_é": "v", "": "empty key"}',
]


def case(text):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        return {"text": text, "error": str(e)}
    return {"text": text, "dumps": json.dumps(value, ensure_ascii=False)}


out = pathlib.Path(__file__).with_name("python_json_cases.json")
out.write_text(json.dumps([case(t) for t in TEXTS], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
