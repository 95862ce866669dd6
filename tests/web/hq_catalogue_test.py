#!/usr/bin/python3
"""The HQ page's string catalogue and its rules, without a browser: English and Norwegian have
the same keys, every key the scripts name exists, no script writes markup from strings
(innerHTML), and index.html has no inline script or style (the CSP forbids them).

    hq_catalogue_test.py WEB_DIR
"""
import json
import os
import re
import sys


def main(web):
    problems = []
    catalogues = {lang: json.load(open(os.path.join(web, 'i18n', f'{lang}.json'), encoding='utf-8')) for lang in ('en', 'nb')}
    en, nb = catalogues['en'], catalogues['nb']
    problems += [f'nb.json lacks {k}' for k in sorted(en.keys() - nb.keys())]
    problems += [f'en.json lacks {k}' for k in sorted(nb.keys() - en.keys())]
    for key in en.keys() & nb.keys():
        if set(re.findall(r'\{(\w+)\}', en[key])) != set(re.findall(r'\{(\w+)\}', nb[key])):
            problems.append(f'{key}: en and nb name different placeholders')
    prefixes = set()
    for folder, _, files in os.walk(web):
        for name in files:
            if not name.endswith('.js'):
                continue
            text = open(os.path.join(folder, name), encoding='utf-8').read()
            if re.search(r'\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write', text):
                problems.append(f'{name} writes markup from a string')
            for key in re.findall(r"\bt\('([a-z_]+\.[a-z_0-9]+)'", text) + re.findall(r"\blabel: '([a-z_]+\.[a-z_0-9]+)'", text):
                if key not in en:
                    problems.append(f'{name} uses {key}, which en.json lacks')
            for key in re.findall(r"\[?'((?:nav|kiosks|publish|quality|audit|users|counsellors|cases)\.[a-z_]+)'", text):
                if key not in en:
                    problems.append(f'{name} names {key}, which en.json lacks')
            prefixes.update(re.findall(r"t\(`([a-z_]+)\.\$\{", text))
    for prefix in prefixes:
        if not any(k.startswith(prefix + '.') for k in en):
            problems.append(f'no key starts with {prefix}.')
    index = open(os.path.join(web, 'index.html'), encoding='utf-8').read()
    if re.search(r'<script(?![^>]*\bsrc=)', index) or re.search(r'<style|\sstyle=|\son[a-z]+=', index):
        problems.append('index.html has inline script or style')
    for p in problems:
        print(p)
    print(f'{len(en)} strings, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
