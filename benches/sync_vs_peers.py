#!/usr/bin/env python3
"""Sync benchmark: screenkit vs alass-cli vs ffsubsync on the generated set.

    python3 benches/sync/make_set.py /tmp/syncset          # once (~10 min with the 60-min clip)
    python3 benches/sync_vs_peers.py /tmp/syncset [--tools screenkit,alass,ffsubsync] [--only CASE...]

Every tool gets the clip and the distorted .in.srt of each case, in the same
run. A case is synced when >= 90% of cues start within 500 ms of the truth.
Per distortion kind the table gives: cases synced, median error, share of
cues within 100 ms, wall time and peak memory (max RSS via /usr/bin/time).
screenkit's refusals (exit 1) count as not synced. The 60-minute clip is
also decoded bare (examples/bare_decode) to compare sync with decode time.
Then each short case's subtitles go against the next case's clip: a tool
should refuse, and any output it writes is a confident wrong answer.
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
SCREENKIT = os.path.join(ROOT, "target", "release", "screenkit")
BARE = os.path.join(ROOT, "target", "release", "examples", "bare_decode")


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
        return [SCREENKIT, "-q", "sync", sub, "--to", clip, "-o", out]
    if tool == "alass":
        return ["alass-cli", clip, sub, out]
    if tool == "ffsubsync":
        return ["ffsubsync", clip, "-i", sub, "-o", out]
    raise ValueError(tool)


def run(cmd):
    """Wall time (s), peak RSS (MB), exit code."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    lines = p.stderr.strip().splitlines()
    rss = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    return wall, rss, p.returncode, "\n".join(lines[:-1][-3:])


def score(truth, out):
    if not out or len(out) != len(truth):
        return None
    errs = [abs(a - b) for a, b in zip(truth, out)]
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("--tools", default="screenkit,alass,ffsubsync")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args()
    tools = a.tools.split(",")
    truth_info = json.load(open(os.path.join(a.set, "truth.json")))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, info in truth_info.items():
            if a.only and name not in a.only:
                continue
            clip = os.path.join(a.set, info["clip"])
            sub = os.path.join(a.set, name + ".in.srt")
            truth = read_starts(os.path.join(a.set, name + ".truth.srt"))
            for tool in tools:
                out = os.path.join(tmp, f"{name}.{tool}.srt")
                wall, rss, code, err = run(command(tool, clip, sub, out))
                errs = score(truth, read_starts(out)) if os.path.exists(out) else None
                synced = bool(errs) and sum(e <= 500 for e in errs) >= 0.9 * len(errs)
                row = {"case": name, "kind": info["kind"], "tool": tool, "wall_s": wall, "rss_mb": rss,
                       "exit": code, "synced": synced,
                       "median_ms": statistics.median(errs) if errs else None,
                       "within100": sum(e <= 100 for e in errs) / len(errs) if errs else 0.0}
                rows.append(row)
                med = f"{row['median_ms']:.0f}" if errs else "-"
                print(f"{name:34} {tool:10} {'ok ' if synced else 'BAD'} median {med:>6} ms  "
                      f"<=100ms {row['within100']:5.0%}  {wall:6.2f} s  {rss:6.0f} MB  exit {code}",
                      file=sys.stderr)
            if info["minutes"] >= 30 and os.path.exists(BARE):
                wall, rss, code, _ = run([BARE, clip])
                rows.append({"case": name, "kind": "bare-decode", "tool": "symphonia decode", "wall_s": wall,
                             "rss_mb": rss, "exit": code, "synced": None, "median_ms": None, "within100": None})
                print(f"{name:34} bare decode {wall:6.2f} s {rss:6.0f} MB", file=sys.stderr)
        # Wrong pairs: each case's subtitles against the next case's clip.
        # The right answer is to refuse; a tool that writes is confidently wrong.
        names = [n for n in truth_info if not a.only or n in a.only]
        wrong = []
        for i, name in enumerate(names):
            other = names[(i + 1) % len(names)]
            if other == name or truth_info[other]["minutes"] > 10 or truth_info[name]["minutes"] > 10:
                continue
            clip = os.path.join(a.set, truth_info[other]["clip"])
            sub = os.path.join(a.set, name + ".in.srt")
            for tool in tools:
                out = os.path.join(tmp, f"wrong.{name}.{tool}.srt")
                wall, rss, code, err = run(command(tool, clip, sub, out))
                wrote = os.path.exists(out)
                wrong.append({"subs": name, "clip": other, "tool": tool, "wrote": wrote, "exit": code})
                print(f"wrong pair {name} -> {other}: {tool} {'WROTE' if wrote else 'refused'} (exit {code})",
                      file=sys.stderr)
    if a.json:
        json.dump(rows, open(a.json, "w"), indent=1)
    # The table, per distortion kind and tool.
    kinds = []
    for r in rows:
        if r["kind"] not in kinds and r["kind"] != "bare-decode":
            kinds.append(r["kind"])
    print("| kind | tool | synced | median error | within 100 ms | wall (median) | peak RSS (max) |")
    print("|---|---|---|---|---|---|---|")
    for k in kinds:
        for tool in tools:
            rs = [r for r in rows if r["kind"] == k and r["tool"] == tool]
            if not rs:
                continue
            meds = [r["median_ms"] for r in rs if r["synced"]]
            print(f"| {k} | {tool} | {sum(r['synced'] for r in rs)}/{len(rs)} | "
                  f"{statistics.median(meds):.0f} ms | " if meds else f"| {k} | {tool} | 0/{len(rs)} | - | ",
                  end="")
            print(f"{statistics.mean(r['within100'] for r in rs):.0%} | "
                  f"{statistics.median(r['wall_s'] for r in rs):.2f} s | {max(r['rss_mb'] for r in rs):.0f} MB |")
    if wrong:
        print("\n| wrong pairs (subtitles vs another clip) | refused | wrote output |")
        print("|---|---|---|")
        for tool in tools:
            w = [x for x in wrong if x["tool"] == tool]
            print(f"| {tool} | {sum(not x['wrote'] for x in w)}/{len(w)} | {sum(x['wrote'] for x in w)}/{len(w)} |")
    for r in rows:
        if r["kind"] == "bare-decode":
            print(f"\n{r['case']}: symphonia bare decode {r['wall_s']:.2f} s, {r['rss_mb']:.0f} MB")
            for t in tools:
                x = [q for q in rows if q["case"] == r["case"] and q["tool"] == t]
                if x:
                    print(f"  {t}: {x[0]['wall_s']:.2f} s = {x[0]['wall_s'] / r['wall_s']:.2f}x bare decode")


if __name__ == "__main__":
    main()
