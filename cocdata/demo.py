"""``cocdata demo``: a store full of synthetic cases to try everything on, and its reports."""

from __future__ import annotations

from pathlib import Path

from cocdata import synthetic
from cocdata.errors import AlreadyExists
from cocdata.store import Store, remove_store

DEMO_MEMBER = "cocdata demo"


def _is_demo(store: Store) -> bool:
    revisions = store.frames().revisions
    return revisions.empty or bool((revisions["saved_by"] == DEMO_MEMBER).all())


def build_demo(path: Path, seed: int = 0, n_events: int = 12, fresh: bool = False) -> str:
    """Fill the store at ``path`` with synthetic data; refuse to mix it into real cases.

    Returns a one-line account of what was done.
    """
    if fresh and path.exists():
        if not _is_demo(Store.open(path, create=False)):
            raise AlreadyExists(
                f"{path} holds cases that the demo did not make; --fresh would delete them.",
                "Name another folder with --store for the demo.",
            )
        remove_store(path)
    store = Store.open(path)
    if store.case_ids():
        if not _is_demo(store):
            raise AlreadyExists(
                f"{path} already holds real cases; the demo will not mix synthetic ones into them.",
                "Name another folder with --store (for example --store /tmp/cocdata-demo).",
            )
        return f"The demo store at {path} is ready ({len(store.case_ids())} cases); --fresh rebuilds it."
    events, cases = synthetic.generate(seed=seed, n_events=n_events, more_editions=True)
    for event in events:
        store.save_event(event, by=DEMO_MEMBER)
    store.save_many([(case, None) for case in cases], by=DEMO_MEMBER)
    return (
        f"Demo store ready at {path}: {len(events)} events, {len(cases)} cases "
        f"(the guide's example is 'guide-example'). Try: cocdata cases --store {path}"
    )


def render_demo_reports(path: Path, out: Path | None = None, workers: int | None = None) -> str:
    """Render the transparency report of every demo event, the yearly report and the index.

    Reports unchanged since an earlier run are not rendered again, so a
    second ``cocdata demo`` takes a second. Returns a line saying where the
    index is; raises what :func:`cocdata.reports.publish.publish_transparency`
    or :func:`cocdata.reports.yearly_publish.publish_yearly` reports as failed.
    """
    from cocdata.reports.publish import INDEX, publish_transparency
    from cocdata.reports.yearly_publish import publish_yearly

    store = Store.open(path, create=False)
    outcome = publish_transparency(store, out_dir=out, workers=workers)
    error = outcome.error()
    if error is not None:
        raise error
    yearly = publish_yearly(store, out_dir=out, workers=workers)
    error = yearly.error()
    if error is not None:
        raise error
    index = next((p for p in yearly.index if p.suffix == ".html"), None)
    where = index.resolve() if index else (out or Path()) / f"{INDEX}.html"
    return (
        f"Transparency reports of {len(outcome.events)} events ({outcome.count('written')} "
        f"rendered, {outcome.count('unchanged')} unchanged) and the yearly report: open {where}"
    )
