#!/usr/bin/env python3
"""Long clips for the calibration table: 100 to 700 cues, about 1.5 hours.

Hours of new espeak speech would take long to make, so the long clips are
joined from sets that make_set.py already made: one clip from the 4-8
minute clips of the main set, one from the 60-minute clip and the short
clips. The two share no speech, so each one's tracks are wrong pairs for
the other. Each clip gets tracks of 120 to 700 consecutive cues (an
excerpt's subtitles), timed for another frame rate and moved by an offset.

    python3 benches/sync/make_long.py MAIN_SET SHORT_SET OUT_DIR

Needs ffmpeg and numpy.
"""
import json
import os
import random
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_set import write_srt  # noqa: E402

RATE = 16000
# Track lengths (cues) taken from each long clip, where it has that many.
WINDOWS = (120, 250, 450, 700)


def read_srt(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if "-->" in line:
            a, b = line.split(" --> ")

            def ms(t):
                h, m, s = t.strip().split(":")
                s, f = s.split(",")
                return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)
            out.append((ms(a), ms(b)))
    return out


def pcm(path):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
                         check=True, stdout=subprocess.PIPE).stdout
    return np.frombuffer(raw, dtype=np.int16)


def join(parts, out_path):
    """Concatenate clips; the truth cues of each, moved to where it starts."""
    audio, cues, at = [], [], 0
    for clip, truth in parts:
        a = pcm(clip)
        cues += [(s + at, e + at) for s, e in read_srt(truth)]
        audio.append(a)
        at += len(a) * 1000 // RATE
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "-",
                    "-c:a", "libvorbis", "-q:a", "1", out_path], input=np.concatenate(audio).tobytes(), check=True)
    return cues, at


def main():
    main_set, short_set, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    groups = {}
    for d in (main_set, short_set):
        for name, info in json.load(open(os.path.join(d, "truth.json"))).items():
            key = "long-b" if info["minutes"] >= 30 or d == short_set else "long-a"
            groups.setdefault(key, []).append((os.path.join(d, info["clip"]),
                                               os.path.join(d, name + ".truth.srt")))
    truth = {}
    for key, parts in sorted(groups.items()):
        print(f"joining {key} from {len(parts)} clips", file=sys.stderr)
        clip = key + ".ogg"
        cues, total_ms = join(parts, os.path.join(out, clip))
        for n in WINDOWS:
            if n > len(cues):
                continue
            first = rng.randrange(0, len(cues) - n + 1)
            part = cues[first:first + n]
            name = f"{key}-{n}cues"
            # Timed for 23.976 fps shown at 25, and late: the long case of the main set.
            ratio, off = 25 / (24000 / 1001), rng.uniform(5, 60)
            moved = [((s - off * 1000) / ratio, (e - off * 1000) / ratio) for s, e in part]
            what = {"kind": "fps+offset", "fps": "23.976:25", "offset_s": off}
            if min(s for s, _ in moved) < 0:
                shift = -min(s for s, _ in moved) + 1000
                moved = [(s + shift, e + shift) for s, e in moved]
                what["offset_s"] = what["offset_s"] - shift / 1000
            write_srt(os.path.join(out, name + ".truth.srt"), part)
            write_srt(os.path.join(out, name + ".in.srt"), moved)
            truth[name] = dict(what, clip=clip, minutes=round(total_ms / 60000, 1), cues=n,
                               snr_db=None, bed=None)
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)


if __name__ == "__main__":
    main()
