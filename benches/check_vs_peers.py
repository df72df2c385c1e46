#!/usr/bin/env python3
"""Benchmark: `screenkit check` on a 100k-cue file vs pysubs2 and python srt
loading the same file, run side by side in rounds (every tool once per
round; the ratio is the median of the rounds' ratios, so compare ratios,
not absolute times, on a shared machine).

Usage: python3 benches/check_vs_peers.py [--cues 100000] [--runs 7]
Needs: a release build (cargo build --release), pip install pysubs2 srt.
The input is made from ../shared/corpus/srt/pysrt_fr_utf8_1332cues.srt,
repeated with shifted times; it is written to benches/out/ (git-ignored).
"""
import argparse, os, re, stat, statistics, subprocess, sys, time

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


def once(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.perf_counter() - t
    if r.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed with {r.returncode}")
    return took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cues", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    os.makedirs(os.path.join(ROOT, "benches", "out"), exist_ok=True)
    big = os.path.join(ROOT, "benches", "out", f"big_{a.cues}.srt")
    make_big(a.cues, big)
    size = os.path.getsize(big) / 1e6
    tools = [
        ("screenkit check --json", [BIN, "check", "--json", big]),
        ("screenkit check (human)", [BIN, "check", big]),
        ("python startup only", [sys.executable, "-c", "pass"]),
    ] + [(name, [sys.executable, "-c", code, big]) for name, code in PEERS.items()]
    # Rounds: every tool once per round, so that each round's ratios come
    # from the same state of a noisy, shared machine.
    times = {name: [] for name, _ in tools}
    for _ in range(a.runs):
        for name, cmd in tools:
            times[name].append(once(cmd))
    print(f"input: {a.cues} cues, {size:.1f} MB (from {os.path.basename(SRC)}); {a.runs} rounds")
    if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        # Seen in a container: outputs sent "nowhere" are copied into a file.
        print(f"note: {os.devnull} is not a device here but a plain file, so the "
              "12 MB of --json output are written into it; the peers write nothing")
    base = times["screenkit check --json"]
    print(f"{'tool':28} {'median wall (s)':>16} {'median ratio to check --json':>30}")
    for name, _ in tools:
        ratios = [t / b for t, b in zip(times[name], base)]
        print(f"{name:28} {statistics.median(times[name]):16.3f} {statistics.median(ratios):30.1f}")
    human = times["screenkit check (human)"]
    for name in PEERS:
        r = [t / b for t, b in zip(times[name], human)]
        print(f"{name}: {statistics.median(r):.1f}x screenkit check (human output)")
    # Ratios without interpreter start-up, for fairness to the peers.
    startup = times["python startup only"]
    for name in PEERS:
        r = [(t - s) / b for t, s, b in zip(times[name], startup, base)]
        print(f"{name} minus python startup: {statistics.median(r):.1f}x screenkit check --json")


if __name__ == "__main__":
    main()
