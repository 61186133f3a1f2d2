"""Encryption at rest: nothing identifying in any store file, clear errors, statistics without the key.

The central check plants a distinct word in every field that identifies
someone or tells their story, in evidence and in a draft, and looks for each
word in the raw bytes of every file under the store folder. The same check on
a plain store must find every word, which shows the search itself works
(compression could otherwise hide a word from it).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from cocdata import crypto, storeio
from cocdata.errors import LockedStore, StoreError
from cocdata.model import Case, TimelineEntry
from cocdata.store import Store, read_file
from tests.helpers import guide_data

PASSPHRASE = "lantern orbit velvet cactus"

# One distinct word per identifying field: no two share four letters in a row,
# so parquet's compression cannot turn one into a reference to another.
PLANTED = {
    "reporter": "Drizzlewump",
    "target": "Quombrill",
    "reported": "Yestervax",
    "contact": "kaplonique",
    "description": "Fenwhistle",
    "made_where": "Gorbachunk",
    "occurred_where": "Hazelmoth",
    "organisers_must": "Jubilexor",
    "public_summary": "Sprocketeer",
    "timeline_text": "Tumbleweft",
    "timeline_why": "Wickerbane",
    "action_text": "Marzipanic",
    "evidence_name": "Nocturnelle",
    "evidence_note": "Obsidianwolf",
    "evidence_content": "Pinstripegoat",
    "draft": "Crumplehorn",
}


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    """Every test starts and ends with no key unlocked and none in the environment."""
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    # Cheap Argon2id for speed; one test checks the real defaults.
    monkeypatch.setattr(crypto.passphrase, "ARGON2_MEMORY_KIB", 1024)
    monkeypatch.setattr(crypto.passphrase, "ARGON2_ITERATIONS", 1)
    crypto.forget_all()
    yield
    crypto.forget_all()


def planted_case(evidence) -> Case:
    p = PLANTED
    data = guide_data(
        report__made_by=f"{p['reporter']} Person",
        report__made_where=f"by the {p['made_where']} stand",
        occurred__where=f"near {p['occurred_where']} hall",
        description=f"{p['reported']} shouted at {p['target']}; {p['description']} was seen.",
        decisions__organisers_must=f"Keep {p['organisers_must']} away",
        transparency__summary=f"An attendee, {p['public_summary']}, was warned.",
    )
    data["case_id"] = None
    data["people"] = [
        {"name": f"{p['reporter']} Person", "role": "reporter"},
        {"name": f"{p['target']} Person", "role": "target"},
        {
            "name": f"{p['reported']} Person",
            "role": "reported",
            "contact": f"{p['contact']}@example.org",
        },
    ]
    data["timeline"][1]["with"] = [f"{p['reported']} Person"]
    data["timeline"][1]["text"] = f"Met them; {p['timeline_text']} apologised."
    data["timeline"][1]["why"] = f"Because {p['timeline_why']} asked."
    data["actions"][0]["text"] = f"Talked to {p['action_text']}."
    data["evidence"] = [evidence.model_dump(mode="json")]
    return Case.model_validate(data)


def fill(store: Store) -> str:
    """Plant every identifying word in the store: cases over several files, compacted
    and not, evidence, a draft, and a damaged file set aside by verify."""
    evidence = store.put_blob(
        f"Screenshot of {PLANTED['evidence_content']} messages".encode(),
        f"{PLANTED['evidence_name']}.png",
        "image/png",
        note=f"Sent by {PLANTED['evidence_note']}",
    )
    saved = store.save(planted_case(evidence), by="Response Team Member A")
    entry = TimelineEntry(
        at=saved.case.report.made_at, by=["Response Team Member B"], kind="note", text="Called."
    )
    store.save(
        saved.case.model_copy(update={"timeline": [*saved.case.timeline, entry]}),
        by="Response Team Member B",
        base_rev=saved.rev,
    )
    store.compact()
    store.save(
        store.get(saved.case_id).case.model_copy(update={"safety_risk": True}),
        base_rev=2,
    )
    store.save_draft("intake-1", {"people": [{"name": f"{PLANTED['draft']} Smi"}]})
    # A damaged copy of a case file, which verify moves to quarantine/.
    source = sorted((store.root / "cases").glob("*.parquet"))[-1]
    (store.root / "cases" / "0-damaged.parquet").write_bytes(source.read_bytes()[:-40])
    store.verify()
    return saved.case_id


def words_in_files(root: Path) -> dict[str, list[str]]:
    """Each planted word -> the store files whose raw bytes hold it."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            for word in PLANTED.values():
                if word.encode() in raw:
                    found.setdefault(word, []).append(str(path.relative_to(root)))
    return found


def encrypted_store(path: Path, **options) -> Store:
    return Store.init(path, encrypt=True, **({"passphrase": PASSPHRASE} | options))


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypted"])
def test_planted_words_are_in_no_file_of_an_encrypted_store(tmp_path, encrypt):
    store = encrypted_store(tmp_path / "s") if encrypt else Store.init(tmp_path / "s")
    case_id = fill(store)
    assert list((store.root / "quarantine").iterdir())
    found = words_in_files(store.root)
    if encrypt:
        assert found == {}
        # ...and everything is still there with the key.
        case = store.get(case_id).case
        assert case.people[2].contact == f"{PLANTED['contact']}@example.org"
        assert PLANTED["evidence_content"].encode() in store.read_blob(case.evidence[0].sha256)
        assert PLANTED["draft"] in str(store.drafts()[0]["data"])
    else:
        assert set(found) == set(PLANTED.values()), "the search must see plain text"


def test_without_the_key_statistics_load_and_names_do_not(tmp_path):
    store = encrypted_store(tmp_path / "s")
    case_id = fill(store)
    unlocked = store.frames()
    crypto.forget_all()
    locked_store = Store.open(tmp_path / "s")
    assert locked_store.encrypted and locked_store.locked
    frames = locked_store.frames()
    assert frames.locked and not unlocked.locked
    stats = ["case_id", "rev", "event_id", "status", "categories", "made_at", "space"]
    assert frames.cases[stats].equals(unlocked.cases[stats])
    assert frames.people[["case_id", "role", "person"]].equals(
        unlocked.people[["case_id", "role", "person"]]
    )
    assert frames.cases["description"].isna().all() and frames.people["name"].isna().all()
    assert locked_store.case_ids() == [case_id]
    assert [m.rev for m in locked_store.history(case_id)] == [1, 2, 3]
    files = str(tmp_path / "s" / "cases" / "*.parquet")
    counts = duckdb.sql(f"select event_id, count(*) from read_parquet('{files}') group by 1")
    assert counts.fetchall() == [("djangocon-2000", 3)]


LOCKED_ACTIONS = {
    "get": lambda s, cid, tmp: s.get(cid),
    "load_all": lambda s, cid, tmp: s.load_all(),
    "drafts": lambda s, cid, tmp: s.drafts(),
    "load_draft": lambda s, cid, tmp: s.load_draft("intake-1"),
    "read_blob": lambda s, cid, tmp: s.read_blob(next(s.root.glob("blobs/*/*")).name),
    "put_blob": lambda s, cid, tmp: s.put_blob(b"more", "more.txt", "text/plain"),
    "save_draft": lambda s, cid, tmp: s.save_draft("intake-2", {"name": "x"}),
    "save": lambda s, cid, tmp: s.save(Case.model_validate(guide_data(case_id=None))),
    "compact": lambda s, cid, tmp: s.compact(),
    "write_key_file": lambda s, cid, tmp: s.write_key_file(tmp / "copy.key"),
}


@pytest.mark.parametrize("action", LOCKED_ACTIONS.values(), ids=LOCKED_ACTIONS.keys())
def test_anything_identifying_needs_the_key(tmp_path, action):
    store = encrypted_store(tmp_path / "s")
    case_id = fill(store)
    crypto.forget_all()
    locked_store = Store.open(tmp_path / "s")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(LockedStore) as err:
        action(locked_store, case_id, tmp_path)
    assert "is encrypted and no key was given" in err.value.message
    assert "--key-file" in err.value.hint and "COCDATA_PASSPHRASE" in err.value.hint
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


@pytest.mark.parametrize(
    ("how", "words"),
    [
        ("passphrase", "is not the passphrase of the store"),
        ("env-passphrase", "The passphrase in COCDATA_PASSPHRASE is not"),
        ("other-key-file", "holds no key for the store"),
        ("env-other-key-file", "COCDATA_KEY_FILE"),
        ("not-a-key-file", "is not a cocdata key file"),
        ("missing-key-file", "does not exist"),
        ("forged-key-file", "fails the store's key check"),
    ],
)
def test_a_wrong_key_is_refused_at_once_in_words(tmp_path, monkeypatch, how, words):
    store = encrypted_store(tmp_path / "s")
    store.save(planted_case(store.put_blob(b"x", "x.png", "image/png")))
    other = crypto.StoreKey.new()
    crypto.write_key_file(tmp_path / "other.key", [other])
    forged = crypto.StoreKey(store.encryption.key_id, os.urandom(32))
    crypto.write_key_file(tmp_path / "forged.key", [forged])
    (tmp_path / "notes.txt").write_text("just notes\n")
    crypto.forget_all()
    attempts = {
        "passphrase": lambda: Store.open(tmp_path / "s").unlock(passphrase="wrong wrong wrong"),
        "env-passphrase": lambda: (
            monkeypatch.setenv(crypto.PASSPHRASE_ENV, "wrong wrong wrong"),
            Store.open(tmp_path / "s"),
        ),
        "other-key-file": lambda: Store.open(tmp_path / "s").unlock(
            key_file=tmp_path / "other.key"
        ),
        "env-other-key-file": lambda: (
            monkeypatch.setenv(crypto.KEY_FILE_ENV, str(tmp_path / "other.key")),
            Store.open(tmp_path / "s"),
        ),
        "not-a-key-file": lambda: Store.open(tmp_path / "s").unlock(
            key_file=tmp_path / "notes.txt"
        ),
        "missing-key-file": lambda: Store.open(tmp_path / "s").unlock(
            key_file=tmp_path / "nope.key"
        ),
        "forged-key-file": lambda: Store.open(tmp_path / "s").unlock(
            key_file=tmp_path / "forged.key"
        ),
    }
    with pytest.raises(LockedStore) as err:
        attempts[how]()
    assert words in str(err.value)
    assert crypto.known(store.encryption.key_id) is None


def test_passphrase_key_file_and_environment_all_open_the_store(tmp_path, monkeypatch):
    store = encrypted_store(tmp_path / "s", key_file=tmp_path / "team.key")
    case_id = store.save(planted_case(store.put_blob(b"x", "x.png", "image/png"))).case_id
    assert stat.S_IMODE((tmp_path / "team.key").stat().st_mode) == 0o600
    for unlock in (
        lambda: Store.open(tmp_path / "s").unlock(passphrase=PASSPHRASE),
        lambda: Store.open(tmp_path / "s").unlock(key_file=tmp_path / "team.key"),
        lambda: monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE) or Store.open(tmp_path / "s"),
        lambda: (
            monkeypatch.setenv(crypto.KEY_FILE_ENV, str(tmp_path / "team.key"))
            or Store.open(tmp_path / "s")
        ),
    ):
        crypto.forget_all()
        monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
        monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
        opened = unlock()
        assert not opened.locked
        assert opened.get(case_id).case.people[1].name == f"{PLANTED['target']} Person"


def test_a_key_file_only_store_has_no_passphrase(tmp_path):
    store = encrypted_store(tmp_path / "s", passphrase=None, key_file=tmp_path / "team.key")
    assert store.encryption.passphrase is None
    assert "[encryption.passphrase]" not in (store.root / "cocdata.toml").read_text()
    crypto.forget_all()
    with pytest.raises(LockedStore, match="opens with its key file only"):
        Store.open(tmp_path / "s").unlock(passphrase=PASSPHRASE)


def test_an_existing_key_file_serves_a_second_store(tmp_path):
    first = encrypted_store(tmp_path / "a", passphrase=None, key_file=tmp_path / "team.key")
    second = encrypted_store(tmp_path / "b", passphrase=None, key_file=tmp_path / "team.key")
    assert first.encryption.key_id == second.encryption.key_id


def test_settings_hold_a_salted_memory_hard_kdf_and_a_key_check(tmp_path, monkeypatch):
    monkeypatch.setattr(crypto.passphrase, "ARGON2_MEMORY_KIB", 64 * 1024)  # the real cost
    monkeypatch.setattr(crypto.passphrase, "ARGON2_ITERATIONS", 3)
    store = Store.init(tmp_path / "s", encrypt=True, passphrase=PASSPHRASE)
    text = (store.root / "cocdata.toml").read_text()
    slot = store.encryption.passphrase
    assert slot["kdf"] == "argon2id" and slot["memory_kib"] == 64 * 1024
    assert len(crypto.sealing.unb64(slot["salt"])) == 16
    assert store.encryption.check in text and PASSPHRASE not in text
    other = Store.init(tmp_path / "t", encrypt=True, passphrase=PASSPHRASE)
    assert other.encryption.passphrase["salt"] != slot["salt"]


@pytest.mark.parametrize("passphrase", ["", "short", "   nine 9 "])
def test_a_short_passphrase_is_refused(tmp_path, passphrase):
    with pytest.raises(LockedStore, match="too short"):
        Store.init(tmp_path / "s", encrypt=True, passphrase=passphrase)
    assert not (tmp_path / "s" / "cocdata.toml").exists()


def test_changing_the_passphrase_rewrites_no_case_file(tmp_path):
    store = encrypted_store(tmp_path / "s")
    fill(store)
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "s" / "cases").iterdir()}
    store.set_passphrase("quartz meadow ember lilac")
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "s" / "cases").iterdir()} == files
    crypto.forget_all()
    with pytest.raises(LockedStore):
        Store.open(tmp_path / "s").unlock(passphrase=PASSPHRASE)
    assert Store.open(tmp_path / "s").unlock(passphrase="quartz meadow ember lilac").frames()


def test_a_store_opened_before_it_was_encrypted_writes_nothing_in_the_clear(tmp_path):
    early = Store.init(tmp_path / "s")
    early.save(planted_case(early.put_blob(b"x", "x.png", "image/png")))
    Store.open(tmp_path / "s").encrypt(passphrase=PASSPHRASE)
    crypto.forget_all()  # as in another process, which never had the key
    with pytest.raises(LockedStore):
        early.save_draft("late", {"name": PLANTED["draft"]})
    assert words_in_files(tmp_path / "s") == {}


# -- encrypting an existing store ----------------------------------------------------


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every revision of every case, with its hash and content."""
    out = {}
    for case_id in store.case_ids():
        revs = []
        for meta in store.history(case_id):
            stored = store.get(case_id, rev=meta.rev)
            revs.append((meta.rev, meta.hash, meta.prev_hash, stored.case))
        out[case_id] = revs
    return out


def test_encrypting_an_existing_store_keeps_every_revision(tmp_path):
    store = Store.init(tmp_path / "s")
    fill(store)
    for _ in range(3):  # more small files after the compacted one
        cid = store.case_ids()[0]
        head = store.get(cid)
        store.save(
            head.case.model_copy(update={"safety_risk": not head.case.safety_risk}),
            base_rev=head.rev,
        )
    before = snapshot(store)
    blobs = {p.name: store.read_blob(p.name) for p in (tmp_path / "s" / "blobs").glob("*/*")}
    assert words_in_files(tmp_path / "s")

    report = Store.open(tmp_path / "s").encrypt(passphrase=PASSPHRASE)
    assert report.ok and report.new_key and report.verify.ok
    assert report.cases == len(list((tmp_path / "s" / "cases").glob("*.parquet")))
    assert (report.blobs, report.drafts, report.quarantine) == (1, 1, 1)
    assert words_in_files(tmp_path / "s") == {}

    crypto.forget_all()
    reopened = Store.open(tmp_path / "s").unlock(passphrase=PASSPHRASE)
    assert snapshot(reopened) == before
    assert {name: reopened.read_blob(name) for name in blobs} == blobs
    assert reopened.verify().ok
    assert reopened.encryption.state == "done"


@pytest.mark.parametrize(
    ("crash_at", "folder"),
    [(1, "blobs"), (2, "cases"), (4, "cases"), (7, "drafts"), (8, "quarantine")],
    ids=["blob", "case-1", "case-3", "draft", "quarantined"],
)
def test_an_interrupted_encryption_loses_nothing_and_finishes_when_run_again(
    tmp_path, monkeypatch, crash_at, folder
):
    store = Store.init(tmp_path / "s")
    fill(store)
    for i in range(3):
        cid = store.case_ids()[0]
        head = store.get(cid)
        store.save(
            head.case.model_copy(update={"ongoing": ["yes", "maybe", "no"][i]}), base_rev=head.rev
        )
    before = snapshot(store)
    assert len(list((tmp_path / "s" / "cases").iterdir())) == 5

    # The process dies on the crash_at-th rename of a re-written file (folders in
    # order: the evidence file, five case files, the draft, the quarantined file),
    # after its temp file was written.
    calls = {"n": 0}
    real_rename, real_replace = os.rename, os.replace

    def dying(rename):
        def wrapper(src, dst, *args, **kwargs):
            if Path(src).parent == tmp_path / "s" / "tmp" and Path(dst).name != "cocdata.toml":
                calls["n"] += 1
                if calls["n"] == crash_at:
                    calls["at"] = Path(dst).relative_to(tmp_path / "s").parts[0]
                    raise KeyboardInterrupt
            return rename(src, dst, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(os, "rename", dying(real_rename))
    monkeypatch.setattr(os, "replace", dying(real_replace))
    with pytest.raises(KeyboardInterrupt):
        Store.open(tmp_path / "s").encrypt(passphrase=PASSPHRASE)
    assert calls["at"] == folder
    monkeypatch.setattr(os, "rename", real_rename)
    monkeypatch.setattr(os, "replace", real_replace)

    crypto.forget_all()
    half = Store.open(tmp_path / "s")
    assert half.encrypted and half.encryption.state == "encrypting"
    half.unlock(passphrase=PASSPHRASE)
    assert snapshot(half) == before  # every revision readable, mixed files and all
    check = half.verify(quarantine=False)
    assert any("interrupted" in p for p in check.problems)
    assert not [p for p in check.problems if "missing" in p or "altered" in p]

    report = half.encrypt()
    assert report.resumed and report.ok
    assert words_in_files(tmp_path / "s") == {}
    assert snapshot(Store.open(tmp_path / "s")) == before
    assert Store.open(tmp_path / "s").verify().ok


def test_init_encrypt_on_an_existing_store_rewrites_it(tmp_path):
    store = Store.init(tmp_path / "s")
    fill(store)
    # A draft whose write crashed a moment ago, in the clear in tmp/.
    (tmp_path / "s" / "tmp" / "intake-9.json.1234abcd").write_text(PLANTED["draft"])
    again = Store.init(tmp_path / "s", encrypt=True, passphrase=PASSPHRASE)
    assert again.encrypted and words_in_files(tmp_path / "s") == {}


def test_encrypting_needs_a_passphrase_or_key_file(tmp_path):
    store = Store.init(tmp_path / "s")
    fill(store)
    with pytest.raises(LockedStore, match="needs a passphrase or a key file"):
        store.encrypt()
    assert (
        not store.encrypted and "[encryption]" not in (tmp_path / "s" / "cocdata.toml").read_text()
    )


# -- tampering and the pieces ---------------------------------------------------------


def test_altered_encrypted_evidence_is_reported_not_returned(tmp_path):
    store = encrypted_store(tmp_path / "s")
    fill(store)
    blob = next((tmp_path / "s" / "blobs").glob("*/*"))
    raw = bytearray(blob.read_bytes())
    raw[-5] ^= 0xFF
    blob.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="altered or damaged"):
        store.read_blob(blob.name)
    assert any("does not match its SHA-256" in p for p in store.verify().problems)


def test_a_sealed_file_cannot_pass_for_another(tmp_path):
    key = crypto.StoreKey.new()
    crypto.remember(key)
    sealed = storeio.seal(b"draft text", key, tmp_path, tmp_path / "drafts" / "a.json")
    assert storeio.unseal(sealed, tmp_path, tmp_path / "drafts" / "a.json") == b"draft text"
    with pytest.raises(storeio.InvalidTag):
        storeio.unseal(sealed, tmp_path, tmp_path / "drafts" / "b.json")
    moved = tmp_path / "elsewhere"  # the store folder's own name is not part of it
    assert storeio.unseal(sealed, moved, moved / "drafts" / "a.json") == b"draft text"


def test_keys_reach_child_processes_as_a_private_file_that_goes_away(tmp_path, monkeypatch):
    store = encrypted_store(tmp_path / "s")
    env = {crypto.PASSPHRASE_ENV: PASSPHRASE}
    with crypto.keys_for_children(env) as path:
        assert env[crypto.KEY_FILE_ENV] == str(path)
        assert crypto.PASSPHRASE_ENV not in env
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        keys = crypto.read_key_file(path)
        assert [k.key_id for k in keys] == [store.encryption.key_id]
    assert not path.exists() and not path.parent.exists()
    crypto.forget_all()
    with crypto.keys_for_children(env := {}) as nothing:
        assert nothing is None and env == {}


@pytest.mark.parametrize("serve_fn", ["serve_app", "serve_lab"])
def test_the_forms_servers_get_the_key_as_a_file_only_while_they_run(
    tmp_path, monkeypatch, serve_fn
):
    from cocdata.forms import serve

    encrypted_store(tmp_path / "s")
    crypto.forget_all()
    with pytest.raises(LockedStore, match="the form needs it"):
        serve.serve_app(tmp_path / "s", open_browser=False, folder=tmp_path / "nb")

    seen: dict = {}

    def fake_run(command, env, cwd):
        key_file = Path(env[crypto.KEY_FILE_ENV])
        seen.update(env=env, key_file=key_file, keys=crypto.read_key_file(key_file))
        return 0

    monkeypatch.setattr(serve, "_run", fake_run)
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    assert getattr(serve, serve_fn)(tmp_path / "s", open_browser=False, folder=tmp_path / "nb") == 0
    assert crypto.PASSPHRASE_ENV not in seen["env"]
    assert [k.key_id for k in seen["keys"]] == [Store.open(tmp_path / "s").encryption.key_id]
    assert not seen["key_file"].exists()
    notebooks = b"".join(p.read_bytes() for p in (tmp_path / "nb").rglob("*") if p.is_file())
    assert PASSPHRASE.encode() not in notebooks and b"cocdata-key-1" not in notebooks


# -- kernels: reports and analysis notebooks on an encrypted store ---------------------

CASE_REPORT_CELLS = [
    ("parameters", "store = None\ncase_id = None"),
    (
        None,
        "import os\n\nfrom cocdata.reports.present import show, text\nfrom cocdata.store import Store\n\n"
        "stored = Store.open(store, create=False).get(case_id)\n"
        "show(text(f'Target: {stored.case.people[1].name}'))\n"
        "show(text(f'key from: {sorted(k for k in os.environ if k.startswith(\"COCDATA_\"))}'))",
    ),
]


def case_report_template(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for tag, source in CASE_REPORT_CELLS:
        cell = nbformat.v4.new_code_cell(source)
        if tag:
            cell.metadata["tags"] = [tag]
        nb.cells.append(cell)
    path = folder / "case-report.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("parent_unlocked", [False, True], ids=["kernels-derive", "key-file"])
def test_a_report_renders_from_an_encrypted_store_with_the_key_from_the_environment(
    tmp_path, monkeypatch, parent_unlocked
):
    from cocdata.reports import RenderJob, render

    store = encrypted_store(tmp_path / "s")
    case_id = store.save(planted_case(store.put_blob(b"x", "x.png", "image/png"))).case_id
    crypto.forget_all()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    if parent_unlocked:  # as after 'cocdata' asked for the passphrase
        Store.open(tmp_path / "s")
    job = RenderJob(
        template=case_report_template(tmp_path),
        parameters={"store": str(tmp_path / "s"), "case_id": case_id},
        out=tmp_path / "out" / "report",
        title="Case report",
        formats=("html", "ipynb"),
    )
    [result] = render([job], workers=1, progress=False)
    assert result.ok, str(result)
    html = job.path("html").read_text()
    notebook = job.path("ipynb").read_text()
    assert f"Target: {PLANTED['target']} Person" in html
    # The key is neither a parameter nor anywhere in what was written.
    for written in (html, notebook):
        assert PASSPHRASE not in written and crypto.KEY_FILE_TAG not in written
    expected = "COCDATA_KEY_FILE" if parent_unlocked else "COCDATA_PASSPHRASE"
    assert expected in html
    if parent_unlocked:
        assert "COCDATA_PASSPHRASE" not in html  # kernels got the key file instead


@pytest.mark.slow
def test_the_case_report_renders_from_an_encrypted_store(tmp_path, monkeypatch):
    from cocdata.reports.case import render_case_reports

    store = encrypted_store(tmp_path / "s")
    case_id = store.save(planted_case(store.put_blob(b"x", "x.png", "image/png"))).case_id
    crypto.forget_all()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    opened = Store.open(tmp_path / "s")  # what 'cocdata report case' does first
    [result] = render_case_reports(
        opened, [case_id], ("html", "ipynb"), tmp_path / "out", progress=False
    )
    assert result.ok, str(result)
    html = (tmp_path / "out" / f"{case_id}.html").read_text()
    assert f"{PLANTED['target']} Person" in html and PLANTED["description"] in html
    for written in (tmp_path / "out").iterdir():
        assert PASSPHRASE not in written.read_text()


@pytest.mark.slow
def test_an_analysis_notebook_runs_on_an_encrypted_store(tmp_path, monkeypatch):
    import papermill

    from cocdata.demo import build_demo

    build_demo(tmp_path / "plain")  # the demo cases, then encrypted in place
    Store.open(tmp_path / "plain").encrypt(passphrase=PASSPHRASE)
    crypto.forget_all()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    source = (
        Path(__file__).resolve().parents[1] / "notebooks" / "analysis" / "5-similar-cases.ipynb"
    )
    out = tmp_path / "similar.ipynb"
    papermill.execute_notebook(
        str(source),
        str(out),
        parameters={"store": str(tmp_path / "plain")},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    text = out.read_text()
    assert "Similar earlier cases" in text and '"output_type": "error"' not in text
    assert "similar description" in text  # the descriptions were read
    assert PASSPHRASE not in text


def test_an_analysis_without_the_key_says_what_it_leaves_out(tmp_path):
    from cocdata.analysis.selection import describe_selection

    store = encrypted_store(tmp_path / "s")
    fill(store)
    assert "left out" not in describe_selection(store.frames())
    crypto.forget_all()
    assert "no key was given, so names and texts are left out" in describe_selection(
        Store.open(tmp_path / "s").frames()
    )


def test_files_of_any_other_kind_are_encrypted_through_the_store(tmp_path):
    """A table or file a later feature keeps (an identity key, a log) is encrypted for free
    when written through the store, and flagged by verify when it is not."""
    store = encrypted_store(tmp_path / "s")
    (store.root / "people").mkdir()
    names = pa.table({"person": ["calm-otter"], "name": [f"{PLANTED['target']} Person"]})
    written = store.write_table("people", names)
    store.write_bytes(store.root / "access.log", f"{PLANTED['reported']} exported".encode())
    assert words_in_files(store.root) == {}
    assert read_file(written).equals(names)
    assert PLANTED["reported"].encode() in store.read_bytes(store.root / "access.log")
    assert store.verify().ok

    (store.root / "people" / "notes.txt").write_text(f"{PLANTED['description']} said so")
    assert "people/notes.txt is not encrypted" in " ".join(store.verify().problems)
    report = store.encrypt()
    assert report.other == 1 and report.ok and words_in_files(store.root) == {}
    crypto.forget_all()
    for columns in (None, ["person"]):  # a table cocdata does not know has no statistics
        with pytest.raises(LockedStore):
            read_file(written, columns)


def test_statistics_without_the_key_include_files_of_an_older_shape(tmp_path):
    """A case file written before a column was added still counts in a locked store."""
    store = encrypted_store(tmp_path / "s")
    fill(store)
    older = read_file(next((tmp_path / "s" / "cases").glob("*.parquet")))
    older = older.drop_columns(["include_public"]).slice(0, 1)
    older = older.set_column(0, "case_id", pa.array(["older-case"]))
    store.write_table("cases", older)
    crypto.forget_all()
    frames = Store.open(tmp_path / "s").frames()
    assert "older-case" in set(frames.cases["case_id"]) and len(frames.cases) == 2
    assert Store.open(tmp_path / "s").verify().locked


def test_a_damaged_passphrase_setting_is_reported_in_words(tmp_path):
    store = encrypted_store(tmp_path / "s")
    settings = store.root / "cocdata.toml"
    settings.write_text(settings.read_text().replace("memory_kib = 1024", 'memory_kib = "lots"'))
    crypto.forget_all()
    with pytest.raises(StoreError, match=r"settings in cocdata\.toml are damaged"):
        Store.open(tmp_path / "s").unlock(passphrase=PASSPHRASE)


@pytest.mark.slow
def test_the_web_app_form_opens_an_encrypted_store_and_its_key_file_goes_away(
    tmp_path, monkeypatch
):
    import signal
    import subprocess
    import sys
    import urllib.request

    from cocdata.forms.serve import wait_for_port
    from tests.forms.servers import free_port

    encrypted_store(tmp_path / "s")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COCDATA", "JUPYTER"))},
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "XDG_RUNTIME_DIR": str(runtime),
        "COCDATA_MEMBER": "Response Team Member A",
        "COCDATA_APP_TOKEN": "crypto-test-token-0123456789",
    }
    port = free_port()
    command = [sys.executable, "-m", "cocdata.cli", "app", "--store", str(tmp_path / "s")]
    command += ["--no-browser", "--port", str(port), "--folder", str(tmp_path / "nb")]

    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 10 and "is encrypted and no key was given" in refused.stderr

    env[crypto.PASSPHRASE_ENV] = PASSPHRASE
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for_port(port, timeout=120)
        [key_dir] = runtime.glob("cocdata-key-*")
        assert stat.S_IMODE((key_dir / "keys").stat().st_mode) == 0o600
        url = f"http://127.0.0.1:{port}/voila/render/intake.ipynb?token={env['COCDATA_APP_TOKEN']}"
        page = urllib.request.urlopen(url, timeout=120).read().decode()
        assert "Save report" in page and "no key was given" not in page
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert not list(runtime.glob("cocdata-key-*"))
    notebooks = b"".join(p.read_bytes() for p in (tmp_path / "nb").glob("*.ipynb"))
    assert PASSPHRASE.encode() not in notebooks


def test_an_expunged_encrypted_store_verifies_with_and_without_the_key(tmp_path):
    import datetime as dt

    from cocdata import retention
    from tests.test_retention import minor

    store = encrypted_store(tmp_path / "s")
    gone = store.save(minor(description=f"{PLANTED['description']} said so")).case_id
    kept = store.save(minor(status="investigating")).case_id
    report = retention.expunge(store, case_ids=[gone], today=dt.date(2026, 1, 15))
    assert report.case_ids == [gone]
    assert store.get(gone).case.description is None and store.verify().ok
    crypto.forget_all()
    locked = Store.open(tmp_path / "s")
    checked = locked.verify()
    assert checked.ok and checked.locked and checked.revisions == 2
    assert set(locked.frames().cases["case_id"]) == {gone, kept}
    assert words_in_files(tmp_path / "s") == {}


def test_reading_one_field_of_the_identity_needs_the_key_and_gets_only_that(tmp_path):
    store = encrypted_store(tmp_path / "s")
    case_id = fill(store)
    heads = store.read_heads(["status", "identity.public_summary"])
    assert heads["identity"].to_pylist() == [
        {"public_summary": f"An attendee, {PLANTED['public_summary']}, was warned."}
    ]
    crypto.forget_all()
    locked = Store.open(tmp_path / "s")
    assert locked.read_heads(["status"])["case_id"].to_pylist() == [case_id]
    with pytest.raises(LockedStore):
        locked.read_heads(["status", "identity.public_summary"])


@pytest.mark.slow
def test_a_transparency_report_renders_from_an_encrypted_store(tmp_path, monkeypatch):
    from cocdata.reports import publish
    from tests.reports.test_transparency import EVENT, build_fixture_store

    build_fixture_store(tmp_path / "s").encrypt(passphrase=PASSPHRASE)
    crypto.forget_all()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    store = Store.open(tmp_path / "s")  # as 'cocdata report transparency' does first
    outcome = publish.publish_transparency(
        store, [EVENT["id"]], tmp_path / "out", formats=("md",), progress=False
    )
    assert outcome.ok, [str(e) for e in outcome.events]
    md = (tmp_path / "out" / EVENT["id"] / "report.md").read_text()
    assert "Summary one." in md  # a public summary, read from the encrypted identity column
    assert PASSPHRASE not in md
