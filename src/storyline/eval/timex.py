"""Eval: time expression extraction and normalisation on TimeBank (TempEval-3 task A measures).

``storyline eval timex --data ../shared/data/timebank/dev.jsonl``

For every document we run our tagger+normaliser (extract/timexes.py) with the document's DCT, then:
- extraction: precision/recall/F1 with strict (same span) and relaxed (any overlap) matching;
- normalisation: over relaxed matches, accuracy of ``value`` and ``type``, and TempEval-3's value F1
  (a match counts only when its value is right too).

Side by side in the same run, a baseline normalises the SAME spans our tagger found with dateparser
(RELATIVE_BASE = the DCT, PREFER_DATES_FROM = past, the granularity dateparser reports as its
``period``). Using our spans (rather than gold spans) isolates the normaliser: both columns see the
same inputs, and the extraction figures are shared. dateparser has no notion of durations, sets or
PRESENT_REF-style references, so it scores those as wrong; that is the point of the comparison.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from storyline.eval.results import read_records
from storyline.extract.timexes import dct_from_value, find_timexes


def _match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], strict: bool) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index): exact spans, or the largest overlap when relaxed."""
    pairs = []
    used: set[int] = set()
    for gi, (gs, ge) in enumerate(gold):
        best, best_overlap = None, 0
        for pi, (ps, pe) in enumerate(pred):
            if pi in used:
                continue
            if strict:
                if (ps, pe) == (gs, ge):
                    best = pi
                    break
            else:
                overlap = min(ge, pe) - max(gs, ps)
                if overlap > best_overlap:
                    best, best_overlap = pi, overlap
        if best is not None:
            used.add(best)
            pairs.append((gi, best))
    return pairs


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def dateparser_value(text: str, dct: str) -> str | None:
    """The baseline: dateparser's reading of ``text`` relative to the DCT, as a TIMEX3-style value at the
    period (day, week, month, year, time) dateparser reports; None when it cannot read it."""
    from dateparser.date import DateDataParser

    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", dct)
    base = dt.datetime(int(m[1]), int(m[2]), int(m[3]), 12, 0) if m else dt.datetime(2000, 1, 1)
    parser = DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True})
    try:
        data = parser.get_date_data(text)
    except Exception:  # noqa: BLE001 - dateparser raises on odd inputs; the baseline then has no value
        return None
    if data is None or data.date_obj is None:
        return None
    d, period = data.date_obj, data.period
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if period == "time":
        return d.strftime("%Y-%m-%dT%H:%M")
    return d.date().isoformat()


def evaluate(data: Path, limit: int | None = None, use_parse: bool = True) -> dict[str, Any]:
    """Figures for ``storyline eval timex`` (see the module docstring)."""
    rows = read_records(data, limit)
    parses: list[Any] = [None] * len(rows)
    if use_parse:
        from storyline.nlp.parse import parse_texts

        parses = list(parse_texts(r["text"] for r in rows))
    n_gold = n_pred = strict_tp = relaxed_tp = 0
    value_ok = type_ok = base_value_ok = 0
    by_type: dict[str, list[int]] = {}
    errors: list[str] = []
    for row, parsed in zip(rows, parses, strict=True):
        dct = dct_from_value(row["dct"])
        found = find_timexes(row["text"], dct, parsed)
        gold = row["timexes"]
        gspans = [tuple(t["span"]) for t in gold]
        pspans = [(f.start, f.end) for f in found]
        n_gold += len(gold)
        n_pred += len(found)
        strict_tp += len(_match(gspans, pspans, strict=True))
        pairs = _match(gspans, pspans, strict=False)
        relaxed_tp += len(pairs)
        for gi, pi in pairs:
            g, p = gold[gi], found[pi]
            stats = by_type.setdefault(g["type"], [0, 0, 0])
            stats[0] += 1
            ok = p.value == g["value"]
            value_ok += ok
            stats[1] += ok
            type_ok += p.type == g["type"]
            bv = dateparser_value(p.text, row["dct"])
            base_ok = bv == g["value"]
            base_value_ok += base_ok
            stats[2] += base_ok
            if not ok and len(errors) < 400:
                errors.append(f"{row['dct'][:10]} {p.text!r} -> {p.value} (gold {g['text']!r} {g['value']})")
    sp, sr, sf = _prf(strict_tp, n_pred, n_gold)
    rp, rr, rf = _prf(relaxed_tp, n_pred, n_gold)
    vp, vr, vf = _prf(value_ok, n_pred, n_gold)
    bp, br, bf = _prf(base_value_ok, n_pred, n_gold)
    value_acc = value_ok / relaxed_tp if relaxed_tp else 0.0
    base_acc = base_value_ok / relaxed_tp if relaxed_tp else 0.0
    result_rows: list[list[Any]] = [
        ["extraction strict", sp, sr, sf, sp, sr, sf],
        ["extraction relaxed", rp, rr, rf, rp, rr, rf],
        ["value (TempEval-3 value F1)", vp, vr, vf, bp, br, bf],
    ]
    for t, (n, ok, bok) in sorted(by_type.items()):
        result_rows.append([f"value accuracy, gold {t} (n={n})", ok / n, "", "", bok / n, "", ""])
    return {
        "title": "Time expressions on TimeBank dev: storyline rules vs dateparser normalising the same spans",
        "columns": ["measure", "P / acc (ours)", "R", "F1", "P / acc (dateparser)", "R", "F1"],
        "rows": result_rows,
        "metrics": {
            "strict_f1": round(sf, 4),
            "relaxed_precision": round(rp, 4),
            "relaxed_recall": round(rr, 4),
            "relaxed_f1": round(rf, 4),
            "value_accuracy": round(value_acc, 4),
            "type_accuracy": round(type_ok / relaxed_tp if relaxed_tp else 0.0, 4),
            "value_f1": round(vf, 4),
            "baseline_dateparser_value_accuracy": round(base_acc, 4),
            "baseline_dateparser_value_f1": round(bf, 4),
            "documents": len(rows),
            "gold_timexes": n_gold,
        },
        "notes": [
            "value accuracy and type accuracy are over relaxed span matches; value F1 counts a match only when the value is right",
            "baseline: dateparser (RELATIVE_BASE = DCT, PREFER_DATES_FROM = past) normalises the same spans our tagger found",
            "tense for weekday/month direction comes from the spaCy parse (en_core_web_sm)" if use_parse else "no parse: lexical tense",
            "published on TempEval-3 test: HeidelTime relaxed F1 ~0.90, value F1 ~0.78",
        ],
        "errors_sample": errors[:60],
    }
