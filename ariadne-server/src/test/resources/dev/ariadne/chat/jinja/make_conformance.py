"""Writes conformance.json: small templates rendered by jinja2 the way transformers renders chat templates.

JinjaConformanceTest renders each case with Ariadne's interpreter and compares byte for byte (or expects an error
where jinja2 raised one). Run with jinja2 3.1.x:  python3 make_conformance.py > conformance.json
"""
import json
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

CTX = {
    "s": "Hello World", "e": "", "n": 7, "f": 2.5, "t": True, "no": None,
    "l": [3, 1, 2], "words": ["b", "A", "c"], "d": {"b": 1, "a": [1, 2], "c": {"x": "é\"\n"}},
    "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "<think>\nr\n</think>\n\nok"},
             {"role": "tool", "content": "x"}],
    "u8": "naïve 日本 😀", "ws": "  \t pad \n ",
}

CASES = [
    # whitespace control, trim_blocks, lstrip_blocks
    "a\n  {% if t %}\n  yes\n  {% endif %}\nb",
    "a\n  {%- if t %}\n  yes\n  {%- endif %}\nb",
    "a {%+ if t %}x{% endif +%}\n b",
    "  {{ s }}  \n  {% if t -%}   \n  z  {%- endif %}  \n",
    "{# comment #}\nx\n   {# indented comment #}\ny {#- strip -#}   z",
    "line\n\t{% for i in l %}\n\t{{ i }}\n\t{% endfor %}\nend\n",
    "{% raw %}{{ not evaluated }} {% if %}{% endraw %}|",
    "x\r\ny\r\n{% if t %}\r\nz\r\n{% endif %}\r\n",
    "{{- '  lead' -}}   \n   {{ 'tail' }}",
    "{% if t %}a{% else %}b{% endif %}{% if no %}c{% elif n > 5 %}d{% else %}e{% endif %}",
    "   {% if t %}x{% endif %}\n{{ 'a' }}\n   {% if t %}b{% endif %}\n\t {# c #} \ny",
    "{{ \"}}\" }} {{ {'a': {'b': 1}} }} {% set x = '%}' %}{{ x }} {{ '{{' }}",
    "a  {%- raw -%}  {{ x }}  {%- endraw -%}  b\n  {% raw %}\nr\n  {% endraw %}\nc",
    "x {#- strip both -#} y {#+ keep +#}\n z",
    "\u3000{% if t %}wide{% endif %}\n\u00a0{% if t %}nbsp{% endif %}",
    "{% for i in l -%}\n  {{ i }}\n{%- endfor %}\n{%+ if t %}k{% endif %}",
    "{% if t %}\n\n{% endif %}\n\nend",
    # literals and printing
    "{{ none }} {{ true }} {{ false }} {{ 1.0 }} {{ 1e20 }} {{ 1e-7 }} {{ 0.1 + 0.2 }} {{ 123456789012345678 }}",
    "{{ [1, 'a', none, true, 2.5] }} {{ {'k': 'v', 'n': [1]} }} {{ (1,) }} {{ (1, 2) }} {{ () }}",
    "{{ 'it\\'s' }} {{ \"say \\\"hi\\\"\" }} {{ 'a\\tb\\nc' }} {{ '\\u00e9\\x41\\U0001F600' }} {{ 'ab' 'cd' }}",
    "{{ ['it\\'s', 'q\"', 'both\\'\"', '\\n\\x01é'] }}",
    "{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 3.5e2 }}",
    "{{ '\\101\\7' }}|{{ '\\0' | length }}|{{ 'a\\qb' }}|{{ 'line\\\ncont' }}|{{ '\\N{BULLET}' }}",
    # arithmetic and operators
    "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2.0 ** 3 }}",
    "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -n }} {{ +n }} {{ n - 10 }} {{ f * 2 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }}",
    "{{ 'ab' + 'cd' }} {{ 'ab' * 3 }} {{ [1] + [2] }} {{ [0] * 3 }} {{ 'x' ~ 1 ~ none ~ true ~ 2.5 }}",
    "{{ true + 1 }} {{ n > 5 and 'big' or 'small' }} {{ e or 'empty' }} {{ s and n }} {{ not e }} {{ no or l }}",
    "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 == 1.0 }} {{ 'a' != 'a' }}",
    "{{ 'ell' in s }} {{ 'z' not in s }} {{ 2 in l }} {{ 'a' in d }} {{ 'x' in undefined_var }}",
    "{{ s if t else 'no' }}|{{ s if no }}|{{ 'a' if no else 'b' if t else 'c' }}",
    # attributes, items, slicing
    "{{ d.b }} {{ d['a'][1] }} {{ d.a.0 }} {{ d.c.x | tojson }} {{ d.missing }}|{{ l[-1] }} {{ l[5] }}|{{ s[0] }} {{ s[-1] }}",
    "{{ s[::-1] }} {{ s[1:4] }} {{ s[:3] }} {{ s[6:] }} {{ s[::2] }} {{ l[::-1] }} {{ l[1:] }} {{ l[-2:] }} {{ l[5:] }}",
    "{{ u8[::-1] }} {{ u8 | length }} {{ u8[-1] }} {{ u8[6:8] }}",
    "{{ msgs[::-1] | map(attribute='role') | join(',') }}",
    "{{ d.items }}" if False else "{{ d.get('b') }} {{ d.get('zz') }} {{ d.get('zz', 5) }} {{ d.keys() | list }} {{ d.values() | list | length }}",
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
    # string methods
    "{{ s.upper() }} {{ s.lower() }} {{ s.startswith('He') }} {{ s.endswith('x') }} {{ s.startswith(('x', 'H')) }}",
    "{{ ws.strip() }}|{{ ws.lstrip() }}|{{ ws.rstrip() }}|{{ '\\nx\\n'.strip('\\n') }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'abcba'.strip('ab') }}",
    "{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a b c'.rsplit(' ', 1) }} {{ '  a b c  '.split(None, 1) }}",
    "{{ 'x</think>y</think>z'.split('</think>')[-1] }} {{ 'l1\\nl2\\r\\nl3'.splitlines() }}",
    "{{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }} {{ 'aXb'.swapcase() }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'abc'.replace('', '-') }}",
    "{{ s.find('o') }} {{ s.rfind('o') }} {{ s.count('l') }} {{ '-'.join(['a', 'b']) }} {{ '12'.isdigit() }} {{ 'ab'.isalpha() }}",
    "{{ '{} and {}'.format('x', 1) }} {{ '{0}{0}'.format('y') }} {{ '{name}!'.format(name='z') }} {{ '{:>5}|{:<4}|{:^5}'.format('a', 'b', 'c') }}",
    "{{ '{:.2f}'.format(3.14159) }} {{ '{:05d}'.format(42) }} {{ '{{literal}}'.format() }}",
    "{{ l.index(1) }} {{ l.count(3) }} {{ 'x'.zfill(3) }} {{ 'ab'.center(6, '*') }} {{ 'ab'.ljust(4) }}|",
    # filters
    "{{ l | length }} {{ s | count }} {{ l | first }} {{ l | last }} {{ l | sort }} {{ l | sort(reverse=true) }} {{ words | sort }} {{ words | sort(case_sensitive=true) }}",
    "{{ l | join }} {{ l | join(', ') }} {{ msgs | map(attribute='role') | list }} {{ l | map('string') | join('-') }}",
    "{{ msgs | selectattr('role', 'equalto', 'user') | list | length }} {{ msgs | rejectattr('role', 'eq', 'user') | map(attribute='role') | join }}",
    "{{ l | select('odd') | list }} {{ l | reject('odd') | list }} {{ [0, 1, '', 'a', none] | select | list }}",
    "{{ undefined_var | default('dflt') }} {{ e | default('dflt') }} {{ e | default('dflt', true) }} {{ no | d('x') }}",
    "{{ s | upper }} {{ s | lower }} {{ 'hello WORLD-foo(bar' | title }} {{ 'hELLO' | capitalize }} {{ ws | trim }}| {{ 'xaxx' | trim('x') }}",
    "{{ s | replace('l', 'L') }} {{ s | replace('l', 'L', 1) }} {{ s | reverse }} {{ l | reverse | list }}",
    "{{ d | tojson }} {{ l | tojson }} {{ u8 | tojson }} {{ 'a\"b\\\\c\\n\\t\\u0001\\u007f' | tojson }}",
    "{{ d | tojson(indent=2) }}\n{{ d | tojson(sort_keys=true) }}\n{{ d | tojson(separators=(',', ':')) }}\n{{ u8 | tojson(ensure_ascii=true) }}",
    "{{ [1.0, 1e16, 1e-5, 0.5, -0.0, 100.0, 12345.678] | tojson }} {{ {'n': none, 't': true, 'f': false, 'e': [], 'o': {}} | tojson(indent=1) }}",
    "{{ {1: 'a', 2.5: 'b', none: 'd'} | tojson }}",
    "{{ d | items | list }} {{ d | dictsort }} {{ d | dictsort(reverse=true) | map('first') | join }}",
    "{{ -3 | abs }} {{ '42' | int }} {{ 'x' | int }} {{ '3.7' | float }} {{ 3.7 | int }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 2.1 | round(0, 'ceil') }}",
    "{{ 'a\\nb\\n\\nc' | indent }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(width='> ', blank=true) }}",
    "{{ [3, 1, 3, 2] | unique | list }} {{ ['a', 'A', 'b'] | unique | list }} {{ l | max }} {{ l | min }} {{ l | sum }} {{ msgs | map(attribute='content') | map('length') | sum }}",
    "{{ n | string }}{{ no | string }} {{ l | list }} {{ 'ab' | list }} {{ '<a href=\"x\">&' | e }} {{ 'one two  three' | wordcount }}",
    "{{ '%s-%d-%.2f' | format('a', 3, 2.5) }} {{ [1, 2, 3, 4, 5] | batch(2) | list }}",
    # tests
    "{{ s is string }} {{ n is string }} {{ d is mapping }} {{ l is mapping }} {{ l is sequence }} {{ s is iterable }} {{ n is number }} {{ t is number }}",
    "{{ n is integer }} {{ f is float }} {{ t is boolean }} {{ no is none }} {{ t is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }}",
    "{{ x is defined }} {{ x is undefined }} {{ s is defined }} {{ n is odd }} {{ n is even }} {{ 9 is divisibleby 3 }} {{ n is eq 7 }} {{ n is ne 7 }}",
    "{{ n is gt 5 }} {{ n is lt 5 }} {{ n is ge 7 }} {{ 'a' is in 'abc' }} {{ no is sameas none }} {{ s is lower }} {{ 'abc' is lower }} {{ d is not mapping }}",
    # loops
    "{% for m in msgs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }};{% endfor %}",
    "{% for i in l %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('a', 'b') }};{% endfor %}",
    "{% for i in [1, 2, 3, 4, 5] %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}",
    "{% for i in [1, 2, 3, 4] if i is even %}{{ i }}{{ loop.length }}{% else %}none{% endfor %}{% for i in [] %}x{% else %}empty{% endfor %}",
    "{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %} {% for c in 'abc' %}{{ c }}.{% endfor %} {% for k in d %}{{ k }}{% endfor %}",
    "{% for x in l %}{% for y in l %}{% if y > x %}{% break %}{% endif %}{{ loop.index }}{% endfor %}|{% endfor %}",
    "{% for i in range(3) %}{{ i }}{% endfor %} {% for i in range(1, 10, 3) %}{{ i }}{% endfor %} {% for i in range(5, 0, -2) %}{{ i }}{% endfor %}",
    # scoping, set, namespace, macros
    "{% set x = 1 %}{% for i in l %}{% set x = i %}{{ x }}{% endfor %}|{{ x }}",
    "{% for i in l %}{{ y is defined }}{% set y = i %}{% endfor %}",
    "{% set ns = namespace(total=0, found=false) %}{% for i in l %}{% set ns.total = ns.total + i %}{% if i == 1 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.found }}",
    "{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t2 = 1, 2 %}{{ t2 }}",
    "{% set block %}\n  inner {{ n }}\n{% endset %}[{{ block }}]{% set up | upper %}x{{ s }}{% endset %}{{ up }}",
    "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('a') }} {{ greet('b', '?') }} {{ greet(name='c', punct='.') }} {{ greet() }}|",
    "{% macro render(c) %}{% if c is string %}{{ c }}{% else %}{% for p in c %}{{ p.text }}{% endfor %}{% endif %}{% endmacro %}{{ render('s') }}{{ render([{'text': 'a'}, {'text': 'b'}]) }}",
    "{% set y = 4 %}{% macro m() %}{{ y }}{% endmacro %}{% set y = 5 %}{{ m() }}",
    "{% filter upper %}shout {{ s }}{% endfilter %}",
    "{{ dict(a=1, b='x') }} {{ namespace(a=1).a }}",
    # errors (expected to raise)
    "{{ undefined_var.attr }}",
    "{{ d.missing.deeper }}",
    "{{ 'a' + 1 }}",
    "{{ raise_exception('custom failure') }}",
    "{% if t %}unclosed",
    "{% for x in l %}{% endif %}",
    "{{ [1].append(2) }}",
    "{{ 1 / 0 }}",
    "{{ l | nosuchfilter }}",
    "{% set x.y = 1 %}",
    "{{ none | length }}",
    "{% for x in none %}{% endfor %}",
    "{{ l | tojson(indent=2) }}{{ x | tojson }}",
]


def main():
    out = []
    for src in CASES:
        case = {"template": src}
        try:
            case["output"] = env.from_string(src).render(**CTX)
        except Exception as e:  # noqa: BLE001 - every jinja2 failure is an expected error case
            case["error"] = type(e).__name__
            case["message"] = str(e)
        out.append(case)
    json.dump({"jinja2": jinja2.__version__, "context": CTX, "cases": out}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
