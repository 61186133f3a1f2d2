"""Escaping of the template display helpers, for HTML and for Markdown (no kernel needed)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go
import pytest

from cocdata.reports import present
from cocdata.reports.present import Block, chart, field_list, heading, show, table, text

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1)) ![x](http://tracker.example/p.png)",
    "**bold** _em_ `code` ~~gone~~ | a | b |",
    "# not a heading\n- not a list\n1. not a list\n> not a quote\n===",
    "{{< shortcode >}} {% liquid %} &amp; &lt;",
]


class _Elements(HTMLParser):
    """Collects the tags and the visible text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Elements:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def markdown_to_html(md: str) -> str:
    """Render Markdown with raw HTML allowed, as blog engines do: only our escaping protects it."""
    import mistune

    return mistune.create_markdown(escape=False, plugins=["strikethrough", "table"])(md)


def blocks_for(payload: str) -> list[tuple[str, Block, set[str]]]:
    """Each helper applied to the payload, with the tags that helper may produce itself."""
    df = pd.DataFrame({payload: [payload]}, index=pd.Index([payload], name=payload))
    return [
        ("text", text(payload), {"p", "br"}),
        ("heading", heading(payload, 2), {"h2"}),
        ("field_list", field_list([(payload, payload)]), {"dl", "dt", "dd"}),
        (
            "table",
            table(df, caption=payload),
            {"table", "caption", "thead", "tbody", "tr", "th", "td"},
        ),
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_of_every_helper_has_only_its_own_tags(payload: str) -> None:
    for name, block, allowed in blocks_for(payload):
        found = parse(block.html)
        assert set(found.tags) <= allowed, (name, found.tags)
        assert not [a for a in found.attrs if a.startswith("on") or a in ("src", "href")], name
        # The payload is shown as text, character for character.
        visible = " ".join(" ".join(found.text).split())
        assert " ".join(payload.split()) in visible, name


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_of_every_helper_renders_to_plain_text(payload: str) -> None:
    for name, block, _ in blocks_for(payload):
        rendered = parse(markdown_to_html(block.markdown))
        produced = set(rendered.tags) - {
            "p",
            "br",
            "h2",
            "ul",
            "li",
            "strong",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "em",
        }
        assert not produced, (name, produced, block.markdown)
        assert not [a for a in rendered.attrs if a.startswith("on") or a in ("src", "href")]
        visible = " ".join("".join(rendered.text).split())
        for word in payload.split():
            # Table cells and headings fold lines; every word still shows as typed.
            assert word in visible, (name, word, block.markdown)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a<b & c>d", "a&lt;b &amp; c&gt;d"),
        ("snake_case *x*", r"snake\_case \*x\*"),
        ("- item", r"\- item"),
        ("  + item", r"  \+ item"),
        ("12. item", r"12\. item"),
        ("2024-05-01 at 3.5", "2024-05-01 at 3.5"),
        ("{{< x >}}", "&#123;&#123;&lt; x &gt;&#125;&#125;"),
        ("a | b", r"a \| b"),
    ],
)
def test_escape_markdown_cases(raw: str, escaped: str) -> None:
    assert present.escape_markdown(raw) == escaped


def test_escape_html_covers_attributes_too() -> None:
    assert present.escape_html("\"'<>&") == "&quot;&#x27;&lt;&gt;&amp;"
    assert present.escape_html(None) == ""
    assert present.escape_html(float("nan")) == ""


def test_pandas_styler_does_not_escape_which_is_why_table_exists() -> None:
    # If pandas ever starts escaping by default this documents the change;
    # table() must escape regardless.
    df = pd.DataFrame({"c": ["<script>x</script>"]})
    assert "<script>x</script>" in df.style.to_html()
    assert "&lt;script&gt;" in df.to_html()
    assert "<script>" not in table(df).html


def test_text_keeps_line_breaks_in_both_forms() -> None:
    block = text("first\nsecond")
    assert block.html == '<p class="cocdata-text">first<br>second</p>'
    assert block.markdown == "first  \nsecond"


@pytest.mark.parametrize(
    ("frame", "shows_index"),
    [
        (pd.DataFrame({"n": [1, 2]}), False),
        (pd.DataFrame({"n": [1, 2]}, index=["a", "b"]), True),
        (pd.Series([3, 4], index=pd.Index(["x", "y"], name="category"), name="reports"), True),
    ],
)
def test_table_shows_the_index_only_when_it_means_something(frame, shows_index: bool) -> None:
    block = table(frame)
    assert ("<th>a</th>" in block.html or "<th>x</th>" in block.html) == shows_index


def test_table_formats_numbers_and_missing_values() -> None:
    df = pd.DataFrame({"n": [12345, 2], "share": [0.3333333, None], "who": ["a", None]})
    md = table(df).markdown.splitlines()
    assert md[0] == "| n | share | who |"
    assert md[1] == "| ---: | ---: | --- |"
    assert md[2] == "| 12,345 | 0.3333 | a |"
    assert md[3] == "| 2 |   |   |"


def test_chart_publishes_html_for_the_page_json_for_jupyterlab_and_text_for_markdown() -> None:
    fig = go.Figure(go.Bar(x=["</script><script>alert(1)</script>"], y=[1]))
    fig.update_layout(title="Reports <b>by</b> day")
    block = chart(fig)
    data, metadata = block._repr_mimebundle_()
    assert set(data) == {"text/plain", "text/html", "text/markdown", present.PLOTLY_MIMETYPE}
    assert metadata == {"cocdata": {"chart": True}}
    assert 'class="plotly-graph-div"' in data["text/html"]
    # The data's own </script> cannot close the chart's script early.
    assert re.findall(r"</script>", data["text/html"]) == ["</script>"]
    assert "<script" not in data["text/html"].split("Plotly.newPlot", 1)[1].split("</script>")[0]
    assert data["text/markdown"] == r"*Chart: Reports &lt;b&gt;by&lt;/b&gt; day*"
    assert 'aria-label="Reports &lt;b&gt;by&lt;/b&gt; day"' in data["text/html"]
    assert data[present.PLOTLY_MIMETYPE]["data"][0]["type"] == "bar"


def test_heading_levels_are_checked() -> None:
    assert heading("x", 6).html == "<h6>x</h6>"
    with pytest.raises(ValueError, match="1 to 6"):
        heading("x", 7)


def test_show_refuses_raw_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    show(text("a"), heading("b"))
    assert [str(b) for b in shown] == ["a", "b"]
    with pytest.raises(TypeError, match="wrap text in text"):
        show("<b>raw</b>")  # type: ignore[arg-type]


def test_blocks_are_unescaped_in_plain_text_only() -> None:
    payload = "<b>Ana</b>"
    block = field_list({"Name": payload})
    assert block.plain == f"Name: {payload}"
    assert html.escape(payload) in block.html
