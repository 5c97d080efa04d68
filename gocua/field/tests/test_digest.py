"""A record's digest must never change: a replay of a record uploaded before would read as a conflict."""

import hashlib
import json

from gocua.field.upload import digest

RECORD = {
    "uuid": "5b0e8d7e-4a55-4c1e-9a57-1f5f2b1c9d10", "type": "household",
    "data": {"village": "09784-001", "address_line": "Ngõ 3, xóm Đình", "head": {"full_name": "Trần Thị Hương",
             "phone": "0912 345 678", "birth_year": 1968}, "residents": [], "note": None, "ratio": 0.5},
}


def test_the_digest_is_the_sha256_of_the_sorted_compact_json_as_before():
    text = json.dumps(RECORD, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    assert digest(RECORD) == hashlib.sha256(text.encode()).hexdigest()
    assert digest(RECORD) == hashlib.sha256(
        '{"data":{"address_line":"Ngõ 3, xóm Đình","head":{"birth_year":1968,"full_name":"Trần Thị Hương",'
        '"phone":"0912 345 678"},"note":null,"ratio":0.5,"residents":[],"village":"09784-001"},"type":"household",'
        '"uuid":"5b0e8d7e-4a55-4c1e-9a57-1f5f2b1c9d10"}'.encode()
    ).hexdigest()


def test_the_digest_does_not_depend_on_key_order():
    shuffled = {"data": dict(reversed(list(RECORD["data"].items()))), "type": RECORD["type"], "uuid": RECORD["uuid"]}
    assert digest(shuffled) == digest(RECORD)
