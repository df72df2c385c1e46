#!/usr/bin/env python3
"""Sync benchmark: screenkit vs alass-cli vs ffsubsync on the generated sets.

    python3 benches/sync/make_set.py /tmp/syncset --all     # once (~12 min with the 60-min clip)
    python3 benches/sync_vs_peers.py /tmp/syncset [--tools screenkit,alass,ffsubsync] [--only CASE...]

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
"""
import argparse
import json
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
         (101, 10**9, ">100 cues")]


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
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args()
    tools = a.tools.split(",")
    os.environ["PATH"] = tools_path()
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
            for other in names:
                m, o = cases[name]["minutes"], cases[other]["minutes"]
                if other == name or not 0.5 <= o / m <= 2.0:
                    continue
                clip = os.path.join(cases[other]["dir"], cases[other]["clip"])
                sub = os.path.join(cases[name]["dir"], name + ".in.srt")
                for tool in tools:
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
    if a.json:
        json.dump({"rows": rows, "wrong": wrong}, open(a.json, "w"), indent=1)
    table(rows, wrong, tools)


def table(rows, wrong, tools):
    print("| band | tool | synced | median error | within 100 ms | wall (median) | peak RSS (max) |")
    print("|---|---|---|---|---|---|---|")
    for _, _, b in BANDS:
        for tool in tools:
            rs = [r for r in rows if r.get("band") == b and r["tool"] == tool]
            if not rs:
                continue
            meds = [r["median_ms"] for r in rs if r["synced"]]
            med = f"{statistics.median(meds):.0f} ms" if meds else "-"
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
            meds = [r["median_ms"] for r in rs if r["synced"]]
            med = f"{statistics.median(meds):.0f} ms" if meds else "-"
            print(f"| {k} | {tool} | {sum(r['synced'] for r in rs)}/{len(rs)} | {med} |")
    if wrong:
        print("\n| wrong pairs (subtitles vs another clip of similar length) | refused | wrote output |")
        print("|---|---|---|")
        for tool in tools:
            w = [x for x in wrong if x["tool"] == tool]
            print(f"| {tool} | {sum(not x['wrote'] for x in w)}/{len(w)} | {sum(x['wrote'] for x in w)}/{len(w)} |")
        # The calibration: screenkit's confidence on wrong pairs (the null,
        # by cue count) against true pairs; the trust line is 0.50.
        print("\n| screenkit calibration by band | wrong pairs accepted (false accepts) | wrong pairs: "
              "highest confidence | true pairs accepted | true pairs: lowest confidence |")
        print("|---|---|---|---|---|")
        for _, _, b in BANDS:
            w = [x for x in wrong if x["tool"] == "screenkit" and x["band"] == b]
            t = [r for r in rows if r["tool"] == "screenkit" and r.get("band") == b]
            if not w and not t:
                continue
            wc = [x["confidence"] for x in w if x["confidence"] is not None]
            tc = [r["confidence"] for r in t if r["confidence"] is not None]
            print(f"| {b} | {sum(bool(x['accepted']) for x in w)}/{len(w)} | "
                  f"{max(wc):.2f} | " if wc else f"| {b} | {sum(bool(x['accepted']) for x in w)}/{len(w)} | - | ",
                  end="")
            print(f"{sum(bool(r['accepted']) for r in t)}/{len(t)} | " + (f"{min(tc):.2f} |" if tc else "- |"))
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
