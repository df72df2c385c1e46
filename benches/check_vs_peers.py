#!/usr/bin/env python3
"""Benchmark: `screenkit check` on a 100k-cue file vs pysubs2 and python srt
loading the same file, run side by side (median of N runs each, one machine,
one run, so compare the ratios, not the absolute times).

Usage: python3 benches/check_vs_peers.py [--cues 100000] [--runs 5]
Needs: a release build (cargo build --release), pip install pysubs2 srt.
The input is made from ../shared/corpus/srt/pysrt_fr_utf8_1332cues.srt,
repeated with shifted times; it is written to benches/out/ (git-ignored).
"""
import argparse, os, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "corpus", "srt", "pysrt_fr_utf8_1332cues.srt")
BIN = os.path.join(ROOT, "target", "release", "screenkit")
TIME = re.compile(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)")


def ms(h, m, s, f):
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


def fmt(t):
    return f"{t // 3600000:02}:{t // 60000 % 60:02}:{t // 1000 % 60:02},{t % 1000:03}"


def make_big(n, path):
    blocks = []
    for block in open(SRC, encoding="utf-8").read().strip().split("\n\n"):
        lines = block.split("\n")
        m = TIME.search(lines[1])
        blocks.append((ms(*m.groups()[:4]), ms(*m.groups()[4:]), lines[2:]))
    span = blocks[-1][1] + 1000
    out, i, rep = [], 0, 0
    while i < n:
        for start, end, text in blocks:
            if i == n:
                break
            off = rep * span
            i += 1
            out.append(f"{i}\n{fmt(start + off)} --> {fmt(end + off)}\n" + "\n".join(text) + "\n")
        rep += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


PEERS = {
    "pysubs2 load": "import pysubs2,sys; s=pysubs2.load(sys.argv[1], encoding='utf-8', format_='srt'); assert len(s)",
    "python srt parse": "import srt,sys; s=list(srt.parse(open(sys.argv[1], encoding='utf-8').read())); assert len(s)",
}


def wall(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        if r.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed with {r.returncode}")
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cues", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    os.makedirs(os.path.join(ROOT, "benches", "out"), exist_ok=True)
    big = os.path.join(ROOT, "benches", "out", f"big_{a.cues}.srt")
    make_big(a.cues, big)
    size = os.path.getsize(big) / 1e6
    print(f"input: {a.cues} cues, {size:.1f} MB (from {os.path.basename(SRC)}); median of {a.runs} runs")
    rows = [
        ("screenkit check --json", wall([BIN, "check", "--json", big], a.runs)),
        ("screenkit check (human)", wall([BIN, "check", big], a.runs)),
        ("python startup only", wall([sys.executable, "-c", "pass"], a.runs)),
    ]
    for name, code in PEERS.items():
        rows.append((name, wall([sys.executable, "-c", code, big], a.runs)))
    base = rows[0][1]
    print(f"{'tool':28} {'wall (s)':>9} {'× screenkit check --json':>26}")
    for name, t in rows:
        print(f"{name:28} {t:9.3f} {t / base:26.1f}")
    # Ratios without interpreter start-up, for fairness to the peers.
    startup = rows[2][1]
    for name, t in rows[3:]:
        print(f"{name} minus python startup: {(t - startup) / base:.1f}× screenkit")


if __name__ == "__main__":
    main()
