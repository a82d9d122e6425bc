"""Report files for an eval run: JSON (summary and per case), Markdown, and a self-contained HTML page."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from evals.runner import CaseResult, EvalReport, EvalRun

HEADLINE = ["faithfulness", "contradicted_claims", "citation_precision", "citation_recall", "hit_at_3", "mrr",
            "context_precision_at_3", "context_recall", "kind_accuracy", "trap_violations", "answer_relevance",
            "premises_corrected", "other_corrections"]
RATES = ["kind_accuracy", "faithfulness", "citation_precision", "citation_recall", "hit_at_3", "answer_relevance"]
COLOURS = ["#3b6ea5", "#e0913a", "#4f9a5b", "#c0504d", "#8064a2", "#4aacc5", "#9a7b4f"]


def write_reports(run: EvalRun, out: Path) -> dict[str, Path]:
    """Write summary.json, cases.json, report.md and report.html into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"summary": out / "summary.json", "cases": out / "cases.json", "markdown": out / "report.md",
             "html": out / "report.html"}
    summary = run.model_dump(mode="json", exclude={"reports": {"__all__": {"cases"}}})
    paths["summary"].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    cases = {r.backend: [c.model_dump(mode="json") for c in r.cases] for r in run.reports}
    paths["cases"].write_text(json.dumps(cases, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown(run), encoding="utf-8")
    paths["html"].write_text(html_report(run), encoding="utf-8")
    return paths


COUNTS = {"contradicted_claims", "unsupported_claims", "trap_violations", "other_corrections"}


def _fmt(value: float | None, metric: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if metric in COUNTS else f"{value:.3f}"


# -- Markdown ----------------------------------------------------------------------------------


def failing_cases(report: EvalReport) -> list[tuple[CaseResult, list[str]]]:
    """Cases with something wrong, and what: wrong kind, a trap, an unsupported claim, a retrieval miss."""
    out = []
    for c in report.cases:
        problems = []
        if c.error:
            problems.append(f"error: {c.error}")
        if not c.kind_correct:
            problems.append(f"kind {c.kind}, expected {c.expected_kind}")
        if c.traps:
            problems.append("said " + ", ".join(repr(t) for t in c.traps))
        bad = [s for s in c.sentences if s.verdict in ("unsupported", "contradicted")]
        if bad:
            problems.append(f"{len(bad)} {'/'.join(sorted({s.verdict for s in bad}))} sentence(s)")
        if c.metrics.get(f"hit_at_{report.k}") == 0.0:
            problems.append(f"no expected passage in the top {report.k}")
        if any(not x.supports for x in c.citations):
            problems.append("a citation does not support its sentence")
        if problems:
            out.append((c, problems))
    return out


def markdown(run: EvalRun) -> str:
    """The Markdown summary: gate, headline metrics per backend, judge quality, by category, failures."""
    lines = [f"# Eval: {run.dataset}", ""]
    verdict = "PASSED" if run.passed else "FAILED"
    lines += [f"**Gate: {verdict}** (thresholds in `evals/thresholds.yaml`)", ""]
    for q in run.judge_quality:
        lines.append(f"- Judge quality: {q.line()}.")
    lines.append("")
    backends = [r.backend for r in run.reports]
    lines += ["## Metrics", "", "| metric | " + " | ".join(backends) + " |",
              "|---|" + "---|" * len(backends)]
    for name in HEADLINE:
        lines.append(f"| {name} | " + " | ".join(_fmt(r.metrics.get(name), name) for r in run.reports) + " |")
    lines.append("")
    for r in run.reports:
        lines += [f"## {r.backend}", "", f"{r.counts['cases']} cases, {r.counts['answered']} answered, "
                  f"{r.counts['claims']} claims judged ({r.counts['supported']} supported, {r.counts['unsupported']} "
                  f"unsupported, {r.counts['contradicted']} contradicted); retrieval metrics from `{r.retrieval}`; "
                  f"{r.seconds:.1f}s.", ""]
        if r.gate:
            lines += ["| gate | value | bound | |", "|---|---|---|---|"]
            lines += [f"| {g.metric} | {_fmt(g.value, g.metric)} | {g.bound} | {'pass' if g.passed else '**FAIL**'} |"
                      for g in r.gate]
            lines.append("")
        kinds = list(r.kind_confusion)
        lines += ["Kinds (rows expected, columns actual):", "", "| | " + " | ".join(kinds) + " |",
                  "|---|" + "---|" * len(kinds)]
        lines += [f"| {g} | " + " | ".join(str(row[p]) for p in kinds) + " |" for g, row in r.kind_confusion.items()
                  if sum(row.values())]
        lines += ["", "| category | " + " | ".join(RATES) + " |", "|---|" + "---|" * len(RATES)]
        lines += [f"| {cat} | " + " | ".join(_fmt(v.get(name)) for name in RATES) + " |"
                  for cat, v in r.by_category.items()]
        failures = failing_cases(r)
        lines += ["", f"### Cases needing attention ({len(failures)})", ""]
        lines += [f"- `{c.id}` ({c.category}): {'; '.join(p)}" for c, p in failures] or ["None."]
        lines.append("")
    return "\n".join(lines)


# -- HTML --------------------------------------------------------------------------------------


def bar_chart(title: str, groups: Sequence[str], series: Sequence[str], values: dict[str, dict[str, float | None]],
              width: int = 760) -> str:
    """A grouped bar chart as inline SVG: one group per entry of `groups`, one bar per series (0..1)."""
    height, top, bottom, left = 240, 28, 70, 36
    plot_h = height - top - bottom
    group_w = (width - left - 10) / max(1, len(groups))
    bar_w = max(3.0, (group_w - 8) / max(1, len(series)))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>']
    for tick in (0, 0.5, 1):
        y = top + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="4" y="{y + 4:.1f}" font-size="10">{tick:g}</text>')
    for gi, group in enumerate(groups):
        x0 = left + gi * group_w + 4
        for si, name in enumerate(series):
            value = values.get(group, {}).get(name)
            if value is None:
                continue
            h = plot_h * max(0.0, min(1.0, value))
            x = x0 + si * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[si % len(COLOURS)]}"><title>{html.escape(group)} · {html.escape(name)}: '
                         f'{value:.3f}</title></rect>')
        label = html.escape(group if len(group) <= 16 else group[:15] + "…")
        parts.append(f'<text x="{x0 + group_w / 2 - 4:.1f}" y="{top + plot_h + 14}" font-size="10" '
                     f'text-anchor="middle">{label}</text>')
    for si, name in enumerate(series):
        x = left + si * 120
        parts.append(f'<rect x="{x}" y="{height - 22}" width="10" height="10" fill="{COLOURS[si % len(COLOURS)]}"/>'
                     f'<text x="{x + 14}" y="{height - 13}" font-size="10">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.pass{color:#2e7d32}.fail{color:#c62828;font-weight:bold}
details{border:1px solid #ddd;border-radius:4px;margin:.3rem 0;padding:.3rem .6rem}
details.bad{border-color:#e57373}summary{cursor:pointer}
.s-supported{background:#e8f5e9}.s-unsupported{background:#fff3b0}.s-contradicted{background:#ffcdd2}
.s-framing{color:#666}.quote{background:#f6f6f6;border-left:3px solid #bbb;padding:.2rem .5rem;margin:.2rem 0}
.muted{color:#666;font-size:.9em}
"""


def _case_html(c: CaseResult, k: int) -> str:
    e = html.escape
    bad = (not c.kind_correct) or c.traps or any(s.verdict in ("unsupported", "contradicted") for s in c.sentences) \
        or c.metrics.get(f"hit_at_{k}") == 0.0 or any(not x.supports for x in c.citations)
    head = (f"<summary><code>{e(c.id)}</code> · {e(c.category)} · kind <b>{e(c.kind)}</b>"
            f"{'' if c.kind_correct else ' (expected ' + e(c.expected_kind) + ')'}"
            f"{' · ⚠' if bad else ''}</summary>")
    turns = "".join(f"<li>{e(t)}</li>" for t in c.turns)
    if c.sentences:
        answer = " ".join(
            f'<span class="s-{e(s.verdict)}" title="{e(s.verdict)} ({s.score:.2f})">{e(s.sentence)}'
            f'{"".join(f" [{n}]" for n in s.citations)}</span>' for s in c.sentences)
    else:
        answer = e(c.answer)
    cited = "".join(
        f'<div class="quote">[{x.marker}] {e(x.text)} <span class="muted">— {e(x.section)}, {e(x.source)}:'
        f'{x.start}-{x.end}{"" if x.supports else " · does not support its sentence"}'
        f'{" · expected" if x.expected else ""}</span></div>' for x in c.citations)
    expected = "".join(f'<div class="quote">{e(p)}</div>' for p in c.expected_passages) or "<i>none</i>"
    retrieved = ", ".join(f"{r.rank}. {e(r.section)}{' ✓' if r.relevant else ''}" for r in c.retrieved) or "none"
    metrics = ", ".join(f"{e(n)} {_fmt(v)}" for n, v in c.metrics.items())
    traps = f"<p class='fail'>Trap phrases said: {e(', '.join(c.traps))}</p>" if c.traps else ""
    error = f"<p class='fail'>Error: {e(c.error)}</p>" if c.error else ""
    return (f'<details class="{"bad" if bad else ""}">{head}<p><b>Turns</b></p><ol>{turns}</ol>'
            f"<p><b>Answer</b></p><p>{answer}</p>{traps}{error}<p><b>Cited passages</b></p>{cited or '<i>none</i>'}"
            f"<p><b>Expected passages</b></p>{expected}<p class='muted'>Retrieved: {retrieved}</p>"
            f"<p class='muted'>Reference: {e(c.reference_answer)}</p><p class='muted'>{metrics}</p></details>")


def html_report(run: EvalRun) -> str:
    """A single HTML file with no external scripts or styles: gate, plots, and every case."""
    e = html.escape
    verdict = '<span class="pass">PASSED</span>' if run.passed else '<span class="fail">FAILED</span>'
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Eval {e(run.dataset)}</title>"
             f"<style>{_CSS}</style></head><body><h1>Eval: {e(run.dataset)}</h1><p>Gate: {verdict}</p>"]
    for q in run.judge_quality:
        parts.append(f"<p class='muted'>Judge quality — {e(q.line())}.</p>")
    backends = [r.backend for r in run.reports]
    parts.append("<table><tr><th>metric</th>" + "".join(f"<th>{e(b)}</th>" for b in backends) + "</tr>")
    for name in HEADLINE:
        parts.append(f"<tr><td>{e(name)}</td>" + "".join(f"<td>{_fmt(r.metrics.get(name), name)}</td>" for r in run.reports)
                     + "</tr>")
    parts.append("</table>")
    by_backend = {r.backend: {n: r.metrics.get(n) for n in RATES} for r in run.reports}
    parts.append(bar_chart("Metrics by backend", backends, RATES, by_backend))
    for r in run.reports:
        parts.append(f"<h2>{e(r.backend)}</h2>")
        if r.gate:
            parts.append("<table><tr><th>gate</th><th>value</th><th>bound</th><th></th></tr>" + "".join(
                f"<tr><td>{e(g.metric)}</td><td>{_fmt(g.value, g.metric)}</td><td>{e(g.bound)}</td>"
                f"<td class='{'pass' if g.passed else 'fail'}'>{'pass' if g.passed else 'FAIL'}</td></tr>"
                for g in r.gate) + "</table>")
        parts.append(bar_chart(f"{r.backend}: metrics by category", list(r.by_category), RATES, r.by_category))
        parts.append("<p class='muted'>Highlighting: <span class='s-supported'>supported</span> "
                     "<span class='s-unsupported'>unsupported</span> <span class='s-contradicted'>contradicted"
                     "</span> <span class='s-framing'>framing</span>. Cases with a problem are marked ⚠.</p>")
        parts.extend(_case_html(c, r.k) for c in r.cases)
    parts.append("</body></html>")
    return "\n".join(parts)
