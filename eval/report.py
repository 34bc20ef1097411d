"""The eval's HTML report: one self-contained page, no JavaScript, CSS or fonts from elsewhere.

:func:`render_html` is pure (report dict + result records in, HTML text out); every piece of
text from a dataset, an answer or a document is escaped. Plots are inline SVG drawn here, so
the report needs no plotting library.

Example:
    >>> page = render_html({"metrics": {"n": 0}, "dataset": {}}, [])
    >>> page.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["render_html", "svg_bars", "svg_histogram"]

DESCRIPTIONS = {
    "recall_at_1": "the gold evidence is the first retrieved passage (answerable questions)",
    "recall_at_k": "the gold evidence is among the k retrieved passages",
    "mrr": "mean reciprocal rank of the first gold passage",
    "ndcg_at_k": "nDCG@k, one gold unit per evidence text",
    "citation_recall": "ALCE: share of answer sentences their citations support (answered questions)",
    "citation_precision": "ALCE: share of citations that are needed and relevant",
    "faithfulness": "share of answer sentences the system verified as supported",
    "unsupported_answer_rate": "share of answers with at least one unsupported sentence",
    "exact_match": "SQuAD exact match on answerable questions (refusal = empty answer)",
    "token_f1": "SQuAD token F1 on answerable questions",
    "alias_containment": "a reference answer occurs in the answer (answerable questions)",
    "squad_v2_exact_match": "exact match over all questions, SQuAD 2.0 style",
    "squad_v2_f1": "token F1 over all questions, SQuAD 2.0 style",
    "correct_refusal_rate": "share of unanswerable questions refused",
    "false_refusal_rate": "share of answerable questions refused",
    "latency_median_ms": "median seconds per question × 1000 (wall clock around ask)",
    "latency_p95_ms": "95th percentile latency",
    "latency_mean_ms": "mean latency",
    "support_scorer_balanced_accuracy": "the support scorer on labelled SQuAD pairs (see below)",
}

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d1d1f;font-size:14px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f4f4f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#0a7d32;font-weight:600}.fail{color:#b3261e;font-weight:600}.muted{color:#666}
.badge{display:inline-block;border-radius:3px;padding:0 5px;margin:1px;font-size:12px;background:#fde7e7;color:#8c1d18}
.ok{background:#e6f4ea;color:#0a5d26}.plots{display:flex;flex-wrap:wrap;gap:16px}
.sent-ok{border-left:3px solid #2e7d32;padding-left:6px;margin:2px 0}.sent-bad{border-left:3px solid #c62828;padding-left:6px;margin:2px 0}
blockquote{margin:2px 0 6px 10px;padding-left:6px;border-left:2px solid #bbb;color:#444}
#questions td{max-width:420px}code{font-size:12px}
"""

_PALETTE = ("#4472c4", "#ed7d31", "#70ad47", "#a5a5a5")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt(value: Any, digits: int = 3) -> str:
    """A metric for people: "n/a" for None, one decimal from 100 up, else ``digits`` decimals."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 100 else f"{value:.{digits}f}"
    return str(value)


# -------------------------------------------------------------------- plots

def svg_bars(labels: Sequence[str], series: Mapping[str, Sequence[float]], title: str, xlabel: str = "",
             marker: tuple[float, str] | None = None, width: int = 440, height: int = 240,
             edges: bool = False) -> str:
    """A grouped bar chart as an inline ``<svg>``; ``series`` maps a legend name to one count per label.

    ``marker`` = (position in label units, text) draws a dashed vertical line, e.g. a threshold.
    With ``edges`` the labels sit on the left edge of each bar (histogram bin starts), else centred.
    """
    left, right, top, bottom = 40, 10, 28, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels))
    peak = max((v for values in series.values() for v in values), default=0) or 1
    slot = plot_w / n
    bar_w = slot * 0.8 / max(1, len(series))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(title)}"><title>{_e(title)}</title>',
             f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13" font-weight="600">{_e(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>']
    for tick in sorted({0, math.ceil(peak / 2), int(peak)}):
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick}</text>')
    for s_index, (name, values) in enumerate(series.items()):
        colour = _PALETTE[s_index % len(_PALETTE)]
        for i, value in enumerate(values):
            h = plot_h * value / peak
            x = left + i * slot + slot * 0.1 + s_index * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{_e(name)} {_e(labels[i])}: {value:g}</title></rect>')
    step = max(1, math.ceil(n / 10))
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            x = left + (i if edges else i + 0.5) * slot
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 13}" text-anchor="middle" font-size="10">'
                         f'{_e(label)}</text>')
    if xlabel:
        parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 6}" text-anchor="middle" font-size="11">'
                     f'{_e(xlabel)}</text>')
    if marker is not None:
        x = left + marker[0] * slot
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#b3261e" '
                     f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{top + 10}" font-size="10" '
                     f'fill="#b3261e">{_e(marker[1])}</text>')
    if len(series) > 1:
        for s_index, name in enumerate(series):
            x = left + plot_w - 120
            y = top + 4 + 14 * s_index
            parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{_PALETTE[s_index % len(_PALETTE)]}"/>'
                         f'<text x="{x + 14}" y="{y + 9}" font-size="10">{_e(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_histogram(series: Mapping[str, Sequence[float]], title: str, *, lo: float, hi: float, bins: int = 10,
                  xlabel: str = "", marker: tuple[float, str] | None = None) -> str:
    """Histogram of one or more value lists over ``[lo, hi]`` (values outside go to the end bins)."""
    span = (hi - lo) or 1.0
    counts: dict[str, list[float]] = {}
    for name, values in series.items():
        row = [0.0] * bins
        for v in values:
            row[min(bins - 1, max(0, int((v - lo) / span * bins)))] += 1
        counts[name] = row
    width = span / bins
    labels = [f"{lo + i * width:.{_decimals(width)}f}" for i in range(bins)]
    where = None if marker is None else ((marker[0] - lo) / span * bins, marker[1])
    return svg_bars(labels, counts, title, xlabel, where, edges=True)


def _decimals(width: float) -> int:
    return 0 if width >= 1 else (1 if width >= 0.1 else 2)


def _plots(report: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> list[str]:
    scores = [r.get("scores", {}) for r in records]
    config = report.get("config") or {}
    k = int((report.get("metrics") or {}).get("k") or config.get("k") or 5)
    plots: list[str] = []
    latencies = [s["latency_s"] * 1000 for s in scores if s.get("latency_s") is not None]
    if latencies:
        hi = max(latencies) * 1.0001 or 1.0
        plots.append(svg_histogram({"questions": latencies}, "Latency per question", lo=0.0, hi=hi, bins=12,
                                   xlabel="milliseconds"))
    answerable = [s for s in scores if s.get("answerable")]
    if answerable:
        ranks = [0] * (k + 1)
        for s in answerable:
            gold = s.get("gold_ranks") or []
            ranks[min(gold) - 1 if gold and min(gold) <= k else k] += 1
        plots.append(svg_bars([str(i) for i in range(1, k + 1)] + ["miss"], {"answerable": ranks},
                              "Rank of the first gold passage", "rank"))
        # Analytic items (key points, no short answer) have no token F1.
        plots.append(svg_histogram({"token F1": [s["token_f1"] for s in answerable if s.get("token_f1") is not None]},
                                   "Token F1, answerable questions", lo=0.0, hi=1.0000001, bins=10, xlabel="F1"))
    support = [sent.get("support", 0.0) for r in records if not r.get("refused") for sent in r.get("sentences", [])]
    if support:
        threshold = config.get("support_threshold")
        plots.append(svg_histogram({"sentences": support}, "Support score of answer sentences", lo=0.0,
                                   hi=1.0000001, bins=10, xlabel="lexical support",
                                   marker=(threshold, "threshold") if threshold is not None else None))
    sims = {"answerable": [s["top_similarity"] for s in scores if s.get("answerable") and s.get("top_similarity") is not None],
            "unanswerable": [s["top_similarity"] for s in scores
                             if not s.get("answerable") and s.get("top_similarity") is not None]}
    sims = {name: values for name, values in sims.items() if values}
    if sims:
        gate = config.get("min_similarity")
        plots.append(svg_histogram(sims, "Best passage similarity", lo=-0.1, hi=1.0, bins=11,
                                   xlabel="cosine similarity of the top passage",
                                   marker=(gate, "min_similarity") if gate is not None else None))
    cites = [s["citation_recall"] for s in scores if s.get("citation_recall") is not None]
    if cites:
        plots.append(svg_histogram({"answers": cites}, "Citation recall per answer", lo=0.0, hi=1.0000001,
                                   bins=5, xlabel="ALCE citation recall"))
    return plots


# ------------------------------------------------------------------ tables

def _metrics_table(report: Mapping[str, Any]) -> str:
    from rag.eval.runner import METRICS

    metrics = report.get("metrics") or {}
    gate = report.get("gate") or {}
    minimum, maximum = gate.get("minimum") or {}, gate.get("maximum") or {}
    base = gate.get("baseline_metrics") or {}
    failed = {b["metric"] for b in gate.get("breaches", [])}
    rows = []
    for name in METRICS:
        limit = " ".join(x for x in (f"≥ {minimum[name]:g}" if name in minimum else "",
                                     f"≤ {maximum[name]:g}" if name in maximum else "") if x)
        status = ('<span class="fail">FAIL</span>' if name in failed
                  else ('<span class="pass">ok</span>' if limit or name in base else ""))
        rows.append(f"<tr><td><code>{_e(name)}</code></td><td class=num>{_e(fmt(metrics.get(name)))}</td>"
                    f"<td>{_e(limit)}</td><td class=num>{_e(fmt(base.get(name)) if base else '')}</td>"
                    f"<td>{status}</td><td class=muted>{_e(DESCRIPTIONS.get(name, ''))}</td></tr>")
    return ("<table><tr><th>metric</th><th>value</th><th>threshold</th><th>baseline</th><th></th>"
            "<th>meaning</th></tr>" + "".join(rows) + "</table>")


def _support_table(info: Mapping[str, Any]) -> str:
    if not info:
        return "<p class=muted>Not measured.</p>"
    if "skipped" in info:
        return f"<p class=muted>Skipped: {_e(info['skipped'])}</p>"
    rows = "".join(f"<tr><td>{_e(kind)}</td><td class=num>{_e(v.get('n'))}</td>"
                   f"<td class=num>{_e(fmt(v.get('accuracy')))}</td></tr>"
                   for kind, v in (info.get("by_kind") or {}).items())
    return (f"<p><b>{_e(info.get('scorer'))}</b> at threshold {_e(info.get('threshold'))} on {_e(info.get('n'))} "
            f"labelled SQuAD sentence/passage pairs (seed {_e(info.get('seed'))}, from {_e(info.get('data'))}): "
            f"balanced accuracy <b>{_e(fmt(info.get('balanced_accuracy')))}</b>, accuracy "
            f"{_e(fmt(info.get('accuracy')))}. The pairs are built from SQuAD 2.0 paragraphs (English Wikipedia, "
            f"CC BY-SA 4.0).</p><table><tr><th>kind</th><th>n</th><th>accuracy</th></tr>"
            f"{rows}</table>")


def _severity(record: Mapping[str, Any]) -> tuple[int, int]:
    order = ["false refusal", "answered an unanswerable question", "answer lacks every reference answer",
             "unsupported sentence", "imprecise citation", "evidence not retrieved"]
    fails = record.get("scores", {}).get("failures") or []
    first = min((order.index(f) if f in order else len(order) for f in fails), default=len(order) + 1)
    return (first, -len(fails))


def _citation(c: Mapping[str, Any]) -> str:
    page = f", p. {c['page']}" if c.get("page") else ""
    file_name = str(c.get("source") or "").replace("\\", "/").rsplit("/", 1)[-1]
    quote = " ".join(str(c.get("quote") or "").split())
    return (f"<div><b>[{_e(c.get('id'))}]</b> {_e(c.get('title'))}{_e(page)} <span class=muted>{_e(file_name)}</span>"
            f"<blockquote>{_e(quote)}</blockquote></div>")


def _question_row(number: int, record: Mapping[str, Any]) -> str:
    s = record.get("scores", {})
    fails = s.get("failures") or []
    status = "".join(f'<span class="badge">{_e(f)}</span>' for f in fails) or '<span class="badge ok">ok</span>'
    expected = ("<i>unanswerable</i>" if not record.get("answerable")
                else "<br>".join(_e(a) for a in record.get("answers", [])))
    evidence = record.get("evidence")
    if evidence:
        texts = [evidence] if isinstance(evidence, str) else list(evidence)
        expected += ("<details><summary class=muted>evidence</summary>"
                     + "".join(f"<blockquote>{_e(t)}</blockquote>" for t in texts) + "</details>")
    answer = f"<p>{_e(record.get('answer'))}</p>"
    sentences = record.get("sentences") or []
    if sentences:
        label = "draft sentences (all unsupported, so refused)" if record.get("refused") else "sentences"
        answer += (f"<details><summary class=muted>{label}</summary>"
                   + "".join(f'<div class="{"sent-ok" if x.get("supported") else "sent-bad"}">{_e(x.get("text"))} '
                             f'<span class=muted>[{_e(", ".join(str(c) for c in x.get("citations", [])))}] '
                             f'support {_e(fmt(x.get("support")))}'
                             f'{"" if x.get("supported") else " — unsupported"}</span></div>'
                             for x in sentences) + "</details>")
    citations = "".join(_citation(c) for c in record.get("citations", []))
    if not citations and record.get("related"):
        citations = "<span class=muted>related:</span> " + "; ".join(_e(r.get("title")) for r in record["related"])
    retrieval = (f"gold at {_e(', '.join(str(r) for r in s.get('gold_ranks') or []) or 'none')}"
                 if record.get("answerable") else "")
    sim = s.get("top_similarity")
    retrieval += f"<br><span class=muted>top sim {_e(fmt(sim))}</span>" if sim is not None else ""
    correctness = "<br>".join(_e(f"{label} {fmt(s.get(name))}") for label, name in (
        ("EM", "exact_match"), ("F1", "token_f1"), ("contains", "alias_containment"))) if record.get("answerable") else ""
    latency = s.get("latency_s")
    return (f"<tr><td class=num>{number}</td><td><code>{_e(record.get('id'))}</code></td>"
            f"<td>{_e(record.get('question'))}</td><td>{expected}</td><td>{status}</td><td>{answer}</td>"
            f"<td>{citations}</td><td>{retrieval}</td><td>{correctness}</td>"
            f"<td class=num>{_e(fmt(latency * 1000) if latency is not None else '')}</td></tr>")


def render_html(report: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    """The whole report page: summary, metrics table, support-scorer check, plots, every question.

    Questions with failures come first (false refusals, then answered unanswerables, wrong
    answers, unsupported sentences, imprecise citations, retrieval misses).
    """
    dataset = report.get("dataset") or {}
    metrics = report.get("metrics") or {}
    gate = report.get("gate") or {}
    config = report.get("config") or {}
    git = report.get("git") or {}
    timing = report.get("timing_s") or {}
    if gate.get("thresholds") or gate.get("baseline"):
        verdict = ('<p class="pass">Gate passed.</p>' if gate.get("passed")
                   else '<p class="fail">Gate failed:</p><ul>'
                   + "".join(f"<li>{_e(b.get('message'))}</li>" for b in gate.get("breaches", [])) + "</ul>")
    else:
        verdict = '<p class="muted">No thresholds given: nothing gated.</p>'
    verdict += "".join(f"<p class=muted>{_e(note)}</p>" for note in gate.get("notes", []))
    judge = report.get("judge") or {}
    if judge:
        verdict += (f"<p class=muted>Citations and faithfulness judged by {_e(judge.get('name'))}; answers "
                    f"verified by {_e(judge.get('answering_verifier'))}"
                    f"{' (self-graded)' if judge.get('self_graded') else ''}.</p>")
    if dataset.get("licence"):
        verdict += f"<p class=muted>Dataset text: {_e(dataset['licence'])}.</p>"
    ordered = sorted(enumerate(records, start=1), key=lambda pair: (_severity(pair[1]), pair[0]))
    n_failed = sum(1 for r in records if r.get("scores", {}).get("failures"))
    rows = "".join(_question_row(i, r) for i, r in ordered)
    plots = "".join(f"<div>{svg}</div>" for svg in _plots(report, records))
    config_rows = "".join(f"<tr><td><code>{_e(k)}</code></td><td>{_e(v)}</td></tr>" for k, v in sorted(config.items()))
    title = f"rag eval — {dataset.get('path', '')}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body>
<h1>{_e(title)}</h1>
<p>{_e(metrics.get('n'))} questions ({_e(metrics.get('n_answerable'))} answerable, {_e(metrics.get('n_unanswerable'))}
unanswerable; {_e(metrics.get('n_answered'))} answered), backend <b>{_e(config.get('backend'))}</b>, k = {_e(metrics.get('k'))}.
Dataset sha256 <code>{_e(str(dataset.get('sha256', ''))[:16])}</code>, seed {_e(dataset.get('seed'))}, limit
{_e(dataset.get('limit') or 'none')}. Run {_e(report.get('created'))}, commit <code>{_e(str(git.get('commit', 'unknown'))[:12])}</code>
{'(with uncommitted changes)' if git.get('dirty') else ''}. Time: ingest {_e(timing.get('ingest'))} s, answering
{_e(timing.get('answer'))} s, total {_e(timing.get('total'))} s.</p>
{verdict}
<h2>Metrics</h2>
{_metrics_table(report)}
<h2>Support scorer</h2>
{_support_table(report.get('support_scorer') or {})}
<h2>Distributions</h2>
<div class="plots">{plots}</div>
<h2>Questions ({n_failed} with a failure, listed first)</h2>
<table id="questions"><tr><th>#</th><th>id</th><th>question</th><th>expected</th><th>status</th><th>answer</th>
<th>citations (title, page, quote)</th><th>retrieval</th><th>correctness</th><th>ms</th></tr>
{rows}</table>
<h2>Configuration</h2>
<details><summary>Config that produced these results</summary><table>{config_rows}</table></details>
</body></html>
"""
