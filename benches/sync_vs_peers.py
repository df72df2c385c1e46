#!/usr/bin/env python3
"""Sync benchmark: screenkit vs alass-cli vs ffsubsync on the generated sets.

    python3 benches/sync/make_set.py /tmp/syncset --all     # once (~12 min with the 60-min clip)
    python3 benches/sync_vs_peers.py /tmp/syncset [--tools screenkit,alass,ffsubsync] [--only CASE...]
    python3 benches/sync_vs_peers.py /tmp/syncset --long60 [N]     # the 60-minute wall time alone

The peers (and espeak-ng and numpy for make_set.py) are installed by
benches/sync/tools.sh when missing; this script puts them on PATH itself.
Several sets may be given (e.g. the short set and the long one).

Every tool gets the clip and the distorted .in.srt of each case, in the same
run. A case is synced when >= 90% of cues start within 500 ms of the truth.
The table gives, per length band (cue count) and tool: cases synced, median
error, share of cues within 100 ms, wall time and peak memory (max RSS via
/usr/bin/time). screenkit's refusals (exit 1) count as not synced. The
60-minute clip is also decoded bare (examples/bare_decode) to compare sync
with decode time.

Wrong pairs: every case's subtitles go against every other clip of similar
length (0.5x to 2x): a tool should refuse, and any output it writes is a
confident wrong answer. screenkit's --json confidence on the true and the
wrong pairs is the calibration: per band, how many wrong pairs reach the
trust line (false accepts) against how many true pairs do.

--long60 [N] runs only the 60-minute comparison (for a quiet machine): screenkit
and alass in turn on each clip of 30 minutes or more, N rounds (3 by default),
wall and peak RSS per run and screenkit / alass wall within each round (a
round's two runs share the machine's state, so the ratio is steadier than
either time). The targets are <= 0.55x alass and <= 64 MB.

--calibration SET (made by benches/sync/make_long.py: 100-700 cue excerpts
of 80-minute clips) adds long tracks to that table only: screenkit alone
runs each true pair and each track against every other clip of that set.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
SCREENKIT = os.path.join(TARGET, "release", "screenkit")
BARE = os.path.join(TARGET, "release", "examples", "bare_decode")
BANDS = [(0, 7, "5-7 cues"), (8, 15, "8-15 cues"), (16, 30, "16-30 cues"), (31, 100, "31-100 cues"),
         (101, 300, "101-300 cues"), (301, 700, "301-700 cues"), (701, 10**9, ">700 cues")]


def band(cues):
    return next(name for lo, hi, name in BANDS if lo <= cues <= hi)


def tools_path():
    """PATH with the peers on it, installing them first when missing."""
    out = subprocess.run(["bash", os.path.join(ROOT, "benches", "sync", "tools.sh")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    return out.splitlines()[-1]


def read_starts(path):
    starts = []
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        for line in f:
            m = re.match(r"\s*(\d+):(\d+):(\d+)[,.](\d+)\s*-->", line)
            if m:
                h, mi, s, ms = map(int, m.groups())
                starts.append(((h * 60 + mi) * 60 + s) * 1000 + ms)
    return starts


def command(tool, clip, sub, out):
    if tool == "screenkit":
        # --json, not -q: -q silences the JSON too.
        return [SCREENKIT, "sync", sub, "--to", clip, "-o", out, "--json"]
    if tool == "alass":
        return ["alass-cli", clip, sub, out]
    if tool == "ffsubsync":
        return ["ffsubsync", clip, "-i", sub, "-o", out]
    raise ValueError(tool)


def run(cmd):
    """Wall time (s), peak RSS (MB), exit code."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    lines = p.stderr.strip().splitlines()
    rss = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    return wall, rss, p.returncode, p.stdout


def score(truth, out):
    if not out or len(out) != len(truth):
        return None
    errs = [abs(a - b) for a, b in zip(truth, out)]
    return errs


def confidence(stdout):
    """screenkit's --json verdict: (confidence, accepted), or (None, False)."""
    try:
        v = json.loads(stdout)
    except ValueError:
        return None, False
    return v.get("confidence"), bool(v.get("accepted"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+", metavar="SET")
    ap.add_argument("--tools", default="screenkit,alass,ffsubsync")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--no-wrong", action="store_true", help="skip the wrong pairs")
    ap.add_argument("--peer-wrong", type=int, metavar="N",
                    help="the peers get only each track's N clips nearest in length (screenkit gets all)")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--calibration", nargs="*", default=[], metavar="SET",
                    help="long sets for the calibration table (screenkit only)")
    ap.add_argument("--long60", type=int, nargs="?", const=3, metavar="N",
                    help="only screenkit vs alass wall time on the 60-minute clip, N rounds (default 3)")
    a = ap.parse_args()
    tools = a.tools.split(",")
    os.environ["PATH"] = tools_path()
    if a.long60:
        return long60(a.sets, a.long60)
    cases = {}
    for d in a.sets:
        for name, info in json.load(open(os.path.join(d, "truth.json"))).items():
            if not a.only or name in a.only:
                cases[name] = dict(info, dir=d)
    rows, wrong = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, info in cases.items():
            clip = os.path.join(info["dir"], info["clip"])
            sub = os.path.join(info["dir"], name + ".in.srt")
            truth = read_starts(os.path.join(info["dir"], name + ".truth.srt"))
            for tool in tools:
                out = os.path.join(tmp, f"{name}.{tool}.srt")
                wall, rss, code, stdout = run(command(tool, clip, sub, out))
                errs = score(truth, read_starts(out)) if os.path.exists(out) else None
                synced = bool(errs) and sum(e <= 500 for e in errs) >= 0.9 * len(errs)
                conf, accepted = confidence(stdout) if tool == "screenkit" else (None, None)
                row = {"case": name, "kind": info["kind"], "band": band(info["cues"]), "cues": info["cues"],
                       "minutes": info["minutes"], "tool": tool, "wall_s": wall, "rss_mb": rss,
                       "exit": code, "synced": synced, "confidence": conf, "accepted": accepted,
                       "median_ms": statistics.median(errs) if errs else None,
                       "within100": sum(e <= 100 for e in errs) / len(errs) if errs else 0.0}
                rows.append(row)
                med = f"{row['median_ms']:.0f}" if errs else "-"
                c = f" conf {conf:.2f}" if conf is not None else ""
                print(f"{name:34} {tool:10} {'ok ' if synced else 'BAD'} median {med:>6} ms  "
                      f"<=100ms {row['within100']:5.0%}  {wall:6.2f} s  {rss:6.0f} MB  exit {code}{c}",
                      file=sys.stderr)
            if info["minutes"] >= 30 and os.path.exists(BARE):
                wall, rss, code, _ = run([BARE, clip])
                rows.append({"case": name, "kind": "bare-decode", "tool": "symphonia decode", "wall_s": wall,
                             "rss_mb": rss, "exit": code, "synced": None, "median_ms": None, "within100": None})
                print(f"{name:34} bare decode {wall:6.2f} s {rss:6.0f} MB", file=sys.stderr)
        # Wrong pairs: every case's subtitles against every other clip of
        # similar length. The right answer is to refuse; writing is wrong.
        names = [] if a.no_wrong else [n for n in cases if cases[n]["minutes"] <= 10]
        for name in names:
            m = cases[name]["minutes"]
            others = [o for o in names if o != name and 0.5 <= cases[o]["minutes"] / m <= 2.0]
            # Nearest in length first (ties in set order), for --peer-wrong.
            others.sort(key=lambda o: abs(math.log(cases[o]["minutes"] / m)))
            for rank, other in enumerate(others):
                clip = os.path.join(cases[other]["dir"], cases[other]["clip"])
                sub = os.path.join(cases[name]["dir"], name + ".in.srt")
                peers = a.peer_wrong is None or rank < a.peer_wrong
                for tool in (t for t in tools if t == "screenkit" or peers):
                    out = os.path.join(tmp, f"wrong.{name}.{other}.{tool}.srt")
                    wall, rss, code, stdout = run(command(tool, clip, sub, out))
                    wrote = os.path.exists(out)
                    if wrote:
                        os.remove(out)
                    conf, accepted = confidence(stdout) if tool == "screenkit" else (None, None)
                    wrong.append({"subs": name, "clip": other, "tool": tool, "wrote": wrote, "exit": code,
                                  "band": band(cases[name]["cues"]), "confidence": conf,
                                  "accepted": accepted})
                    c = f" conf {conf:.2f}" if conf is not None else ""
                    print(f"wrong pair {name} -> {other}: {tool} {'WROTE' if wrote else 'refused'} "
                          f"(exit {code}){c}", file=sys.stderr)
        cal_rows, cal_wrong = calibrate(a.calibration, tmp) if "screenkit" in tools else ([], [])
    if a.json:
        json.dump({"rows": rows, "wrong": wrong, "cal_rows": cal_rows, "cal_wrong": cal_wrong},
                  open(a.json, "w"), indent=1)
    table(rows, wrong, tools, cal_rows, cal_wrong)


def long60(sets, rounds):
    """screenkit and alass in turn on every clip of 30 minutes or more."""
    cases = []
    for d in sets:
        for name, info in json.load(open(os.path.join(d, "truth.json"))).items():
            if info["minutes"] >= 30:
                cases.append((name, dict(info, dir=d)))
    if not cases:
        sys.exit("--long60: no clip of 30 minutes or more in " + ", ".join(sets))
    print("| clip | round | screenkit wall | screenkit peak RSS | synced | alass wall | alass peak RSS | "
          "screenkit / alass wall |")
    print("|---|---|---|---|---|---|---|---|")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, info in cases:
            clip = os.path.join(info["dir"], info["clip"])
            sub = os.path.join(info["dir"], name + ".in.srt")
            truth = read_starts(os.path.join(info["dir"], name + ".truth.srt"))
            for r in range(1, rounds + 1):
                got = {}
                for tool in ("screenkit", "alass"):
                    out = os.path.join(tmp, f"{name}.{tool}.srt")
                    wall, rss, code, _ = run(command(tool, clip, sub, out))
                    errs = score(truth, read_starts(out)) if os.path.exists(out) else None
                    got[tool] = (wall, rss, bool(errs) and sum(e <= 500 for e in errs) >= 0.9 * len(errs))
                    print(f"{name} round {r}: {tool} {wall:.2f} s {rss:.0f} MB exit {code}", file=sys.stderr)
                (sw, sr, ok), (aw, ar, _) = got["screenkit"], got["alass"]
                ratios.append(sw / aw)
                print(f"| {name} | {r} | {sw:.2f} s | {sr:.0f} MB | {'yes' if ok else 'no'} | {aw:.2f} s | "
                      f"{ar:.0f} MB | {sw / aw:.2f}x |", flush=True)
    print(f"\nscreenkit / alass wall, median of {len(ratios)} round(s): {statistics.median(ratios):.2f}x "
          "(target <= 0.55x); load average at the end: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


def calibrate(sets, tmp):
    """screenkit on the long sets' true pairs and on each track against every other clip."""
    cases = {}
    for d in sets:
        for name, info in json.load(open(os.path.join(d, "truth.json"))).items():
            cases[name] = dict(info, dir=d)
    rows, wrong = [], []
    for name, info in cases.items():
        sub = os.path.join(info["dir"], name + ".in.srt")
        truth = read_starts(os.path.join(info["dir"], name + ".truth.srt"))
        clips = {os.path.join(c["dir"], c["clip"]) for c in cases.values()}
        own = os.path.join(info["dir"], info["clip"])
        for clip in sorted(clips):
            out = os.path.join(tmp, f"cal.{name}.srt")
            wall, rss, code, stdout = run(command("screenkit", clip, sub, out))
            wrote = os.path.exists(out)
            errs = score(truth, read_starts(out)) if wrote and clip == own else None
            if wrote:
                os.remove(out)
            conf, accepted = confidence(stdout)
            row = {"case": name, "clip": os.path.basename(clip), "band": band(info["cues"]), "tool": "screenkit",
                   "cues": info["cues"], "wall_s": wall, "rss_mb": rss, "exit": code, "wrote": wrote,
                   "confidence": conf, "accepted": accepted}
            if clip == own:
                row["synced"] = bool(errs) and sum(e <= 500 for e in errs) >= 0.9 * len(errs)
                row["median_ms"] = statistics.median(errs) if errs else None
                rows.append(row)
            else:
                wrong.append(row)
            c = f" conf {conf:.2f}" if conf is not None else ""
            what = "true pair" if clip == own else "wrong pair"
            print(f"calibration {what} {name} -> {os.path.basename(clip)}: {'WROTE' if wrote else 'refused'} "
                  f"(exit {code}, {wall:.1f} s, {rss:.0f} MB){c}", file=sys.stderr)
    return rows, wrong


def median_error(rs):
    """The median error over the synced runs of `rs`, as a table cell."""
    meds = [r["median_ms"] for r in rs if r["synced"]]
    return f"{statistics.median(meds):.0f} ms" if meds else "-"


def table(rows, wrong, tools, cal_rows=(), cal_wrong=()):
    print("| band | tool | synced | median error | within 100 ms | wall (median) | peak RSS (max) |")
    print("|---|---|---|---|---|---|---|")
    for _, _, b in BANDS:
        for tool in tools:
            rs = [r for r in rows if r.get("band") == b and r["tool"] == tool]
            if not rs:
                continue
            med = median_error(rs)
            print(f"| {b} | {tool} | {sum(r['synced'] for r in rs)}/{len(rs)} | {med} | "
                  f"{statistics.mean(r['within100'] for r in rs):.0%} | "
                  f"{statistics.median(r['wall_s'] for r in rs):.2f} s | {max(r['rss_mb'] for r in rs):.0f} MB |")
    kinds = []
    for r in rows:
        if r["kind"] not in kinds and r["kind"] != "bare-decode":
            kinds.append(r["kind"])
    print("\n| kind | tool | synced | median error |")
    print("|---|---|---|---|")
    for k in kinds:
        for tool in tools:
            rs = [r for r in rows if r["kind"] == k and r["tool"] == tool]
            med = median_error(rs)
            print(f"| {k} | {tool} | {sum(r['synced'] for r in rs)}/{len(rs)} | {med} |")
    if cal_rows or cal_wrong:
        print("\n| long tracks (calibration set, screenkit only) | band | synced | median error | "
              "wrong pairs written | wall (median) | peak RSS (max) |")
        print("|---|---|---|---|---|---|---|")
        for _, _, b in BANDS:
            t = [r for r in cal_rows if r["band"] == b]
            w = [x for x in cal_wrong if x["band"] == b]
            if not t and not w:
                continue
            med = median_error(t)
            print(f"| screenkit | {b} | {sum(r['synced'] for r in t)}/{len(t)} | {med} | "
                  f"{sum(x['wrote'] for x in w)}/{len(w)} | {statistics.median(r['wall_s'] for r in t + w):.2f} s | "
                  f"{max(r['rss_mb'] for r in t + w):.0f} MB |")
    if wrong or cal_wrong:
        print("\n| wrong pairs (subtitles vs another clip of similar length) | refused | wrote output |")
        print("|---|---|---|")
        for tool in tools:
            w = [x for x in wrong if x["tool"] == tool]
            if not w:
                continue
            print(f"| {tool} | {sum(not x['wrote'] for x in w)}/{len(w)} | {sum(x['wrote'] for x in w)}/{len(w)} |")
        # The calibration: screenkit's confidence on wrong pairs (the null,
        # by cue count) against true pairs; the trust line is 0.50.
        print("\n| screenkit calibration by band | wrong pairs accepted (false-accept rate) | wrong pairs: "
              "highest confidence | true pairs accepted (accept rate) | true pairs: lowest confidence |")
        print("|---|---|---|---|---|")
        for _, _, b in BANDS:
            w = [x for x in list(wrong) + list(cal_wrong) if x["tool"] == "screenkit" and x["band"] == b]
            t = [r for r in list(rows) + list(cal_rows) if r["tool"] == "screenkit" and r.get("band") == b]
            if not w and not t:
                continue
            wc = [x["confidence"] for x in w if x["confidence"] is not None]
            tc = [r["confidence"] for r in t if r["confidence"] is not None]
            wa, ta = sum(bool(x["accepted"]) for x in w), sum(bool(r["accepted"]) for r in t)
            rate = lambda k, n: f"{k}/{n} ({k / n:.0%})" if n else "0/0"  # noqa: E731
            print(f"| {b} | {rate(wa, len(w))} | {f'{max(wc):.2f}' if wc else '-'} | {rate(ta, len(t))} | "
                  f"{f'{min(tc):.2f}' if tc else '-'} |")
    for r in rows:
        if r["kind"] == "bare-decode":
            print(f"\n{r['case']}: symphonia bare decode {r['wall_s']:.2f} s, {r['rss_mb']:.0f} MB")
            for t in tools:
                x = [q for q in rows if q["case"] == r["case"] and q["tool"] == t]
                if x:
                    print(f"  {t}: {x[0]['wall_s']:.2f} s = {x[0]['wall_s'] / r['wall_s']:.2f}x bare decode")
            x = {t: [q for q in rows if q["case"] == r["case"] and q["tool"] == t] for t in tools}
            if x.get("screenkit") and x.get("alass"):
                print(f"  screenkit / alass wall: {x['screenkit'][0]['wall_s'] / x['alass'][0]['wall_s']:.2f}x")


if __name__ == "__main__":
    main()
