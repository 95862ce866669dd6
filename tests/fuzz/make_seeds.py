#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the repository's real fixtures: the shipped
forms (assets/forms), the information bundle (assets/content) and records shaped like the test
suite's (tests/support/records.hpp). Run from anywhere; rewrites tests/fuzz/*/corpus/seed-*."""
import base64, hashlib, json, pathlib, re

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent.parent
FORMS = sorted((ROOT / "assets/forms").glob("*.json"))


def write(target, name, data):
    folder = FUZZ / target / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed-{name}").write_bytes(data if isinstance(data, bytes) else data.encode())


def compact(j):
    return json.dumps(j, ensure_ascii=False, separators=(",", ":")).encode()


VERSION = "0000190a0b2c3-00000001@kiosk-test-1"
INTAKE = {"interview_date": "2026-01-10", "name_latin": "Test Person 1", "sex": "female",
          "date_of_birth_known": False, "age_years": 21, "nationality": "Testland", "languages": ["en"],
          "interpreter_needed": False, "legal_status": "asylum_rejected", "documents_held": ["passport"],
          "return_country": "Testland", "family_travelling": False, "vulnerabilities": ["none"],
          "_case_id": "0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7c"}


def record(n, kind, payload, deleted=False, base=False):
    r = {"id": f"0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a{n:02x}", "kind": kind, "centre": "centre-a",
         "version": VERSION, "deleted": deleted, "schema_version": 1, "payload": payload,
         "field_versions": {k: VERSION for k in payload}}
    if base:
        r["base_version"] = VERSION
    return r


def push_bodies():
    batch = "0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6b00"
    yield "intake", compact({"batch_id": batch, "records": [record(1, "intake", INTAKE)]})
    yield "mixed", json.dumps({"batch_id": batch, "records": [
        record(2, "case", {"title": "Case \"2\" \\ \u0627\u0644\u0627\u0633\u0645", "status": "open"}, base=True),
        record(3, "appointment", {}, deleted=True)]}, indent=1).encode()
    yield "empty", compact({"records": [], "batch_id": batch})


for name, body in push_bodies():
    write("push_body", name, body)
    write("json_split", name, b"\x00" + body)
write("json_split", "other-key", b"\x01" + compact({"b": [1, {"a": [2]}], "a": [[1], "x,]", {"y": None}]}))

for path in FORMS:
    write("form_definition", path.stem, path.read_bytes())
    write("publish", "form-" + path.stem, b"\x00" + compact(json.loads(path.read_bytes())))

answers = {"intake": INTAKE, "case": {"title": "Test case", "status": "open"}}
for i, path in enumerate(FORMS):
    if path.stem in answers:
        write("form_answers", path.stem, bytes([i, 0]) + compact(answers[path.stem]))
write("form_answers", "typed-text", bytes([0, 3]) + "12, medical".encode())

expressions = set()
for path in FORMS:
    def walk(node):
        if isinstance(node, dict):
            for key in ("relevant", "constraint", "required"):
                if isinstance(node.get(key), str):
                    expressions.add(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(json.loads(path.read_bytes()))
for i, e in enumerate(sorted(expressions)):
    write("expression", f"{i:02d}", e)

# A small two-language bundle like tests/unit/content/bundle_fixtures.hpp, in its folder form
# and packed (files embedded); the shipped bundle's bundle.json is too large for quick runs.
keys = re.findall(r'"([a-z_]+)"', (ROOT / "shared/content/src/bundle_parse.cpp").read_text()
                  .split("ui_keys()")[1].split("};")[0])
bundle = {"format": 1, "bundle": "test-info", "version": 1, "source_language": "en", "languages": ["en", "prs"],
          "translations": {"prs": {"status": "machine_draft"}},
          "ui": {lang: {k: f"{lang} {k}" for k in keys} for lang in ("en", "prs")},
          "pages": [{"id": "what", "kind": "topic", "text": {
              "en": {"title": "What is it?", "blocks": [
                  {"type": "paragraph", "text": "Version 1"},
                  {"type": "list", "items": ["one", "two"], "ordered": True},
                  {"type": "qr", "url": "https://example.org/info", "caption": "More"}]},
              "prs": {"title": "\u0627\u06cc\u0646 \u0686\u06cc\u0633\u062a\u061f",
                      "blocks": [{"type": "heading", "text": "\u0645\u062a\u0646"}]}}},
                    {"id": "support", "kind": "story", "text": {
                        "en": {"title": "Support", "blocks": [
                            {"type": "image", "src": "images/pic.png", "alt": "A picture"},
                            {"type": "note", "text": "Note"}], "audio": "audio/support-en.wav"},
                        "prs": {"fallback": "en"}}}]}
write("content_bundle", "folder", compact(bundle))
packed = dict(bundle)
packed["files"] = {p: {"sha256": hashlib.sha256(b).hexdigest(), "data": base64.b64encode(b).decode()}
                   for p, b in (("images/pic.png", b"PNG bytes"), ("audio/support-en.wav", b"WAV bytes"))}
write("content_bundle", "packed", compact(packed))
write("publish", "content-packed", b"\x01" + compact(packed))
write("publish", "content-packed-centre", b"\x03" + compact(packed))

def pull_pages():
    import gzip
    intake = record(1, "intake", INTAKE)
    case = record(2, "case", {"title": "Test case", "status": "open"})
    gone = record(3, "case", {}, deleted=True)
    pages = {
        "empty": {"records": [], "cursor": "0", "more": False},
        "two": {"records": [intake, case], "cursor": "2", "more": True},
        "tombstone": {"records": [gone], "cursor": "3", "more": False},
        "same-twice": {"records": [case, case], "cursor": "4", "more": False},
    }
    for name, page in pages.items():
        yield name, compact(page)
    yield "gzip", gzip.compress(compact(pages["two"]), mtime=0)


for name, body in pull_pages():
    write("pull_reply", name, body)
