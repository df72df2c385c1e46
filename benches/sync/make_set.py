#!/usr/bin/env python3
"""Generate the sync test set: synthetic Mandarin speech with known timings.

Each case is a clip (speech from espeak-ng's cmn-latn-pinyin voice laid on a
timeline with 0.3-30 s of silence between lines, optionally under noise or
a music-like bed at a given SNR, encoded as MP4 H.264+AAC, FLAC, OGG Vorbis
or WAV), the truth cues (start = speech onset, end = speech end plus a short
reading tail) and a distorted copy of those cues (offset, fps ratio,
fps+offset, one or two splits, jitter). `truth.json` records what was done.

Needs espeak-ng, ffmpeg and numpy. Usage:
    python3 benches/sync/make_set.py OUT_DIR [--quick | --short | --all] [--only NAME...]
    python3 benches/sync/make_set.py --fixtures tests/fixtures/sync
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import wave

import numpy as np

RATE = 22050  # espeak-ng's output rate
SYLLABLES = (
    "ni3 hao3 wo3 men5 qu4 bei3 jing1 huo3 che1 zhan4 hui2 jia1 gong1 zuo4 hai2 zi5 ma1 ba4 "
    "nian2 chun1 jie2 piao4 mai3 deng3 shang4 xia4 kan4 shuo1 hua4 zhi1 dao4 xiang3 chi1 fan4 "
    "shui4 jiao4 du2 shu1 lao3 shi1 qian2 duo1 shao3 tian1 ming2 zou3 lu4 chang2 tu2 yuan3 "
    "guang3 zhou1 si4 chuan1 nong2 cun1 fu4 mu3 nü3 er2 xue2 xiao4 kao3 shi4 cheng2 ji4 "
    "yi1 fu2 chang3 li3 mang2 lei4 ku3 xin1 ku1 xi1 wang4 ren2 sheng1 huo2 wei4 lai2"
).split()


def srt_time(ms):
    ms = max(0, int(round(ms)))
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"


def write_srt(path, cues):
    with open(path, "w", encoding="utf-8") as f:
        for i, (s, e) in enumerate(cues, 1):
            f.write(f"{i}\n{srt_time(s)} --> {srt_time(e)}\nLine {i} of the translation.\n\n")


class Voice:
    """espeak-ng utterances, cached by text so long clips reuse lines."""

    def __init__(self, tmp):
        self.tmp, self.cache = tmp, {}

    def say(self, text, speed):
        key = (text, speed)
        if key not in self.cache:
            path = os.path.join(self.tmp, f"u{len(self.cache)}.wav")
            subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", str(speed), "-w", path, text],
                           check=True)
            with wave.open(path, "rb") as w:
                assert w.getframerate() == RATE
                pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
            # Trim espeak's own leading/trailing silence so the truth onset is the sound's onset.
            loud = np.nonzero(np.abs(pcm) > 0.01)[0]
            self.cache[key] = pcm[loud[0]:loud[-1] + 1] if len(loud) else pcm
        return self.cache[key]


def timeline(rng, voice, minutes, long_gaps=True):
    """Mono speech PCM and truth cues (ms)."""
    total = int(minutes * 60 * RATE)
    pcm = np.zeros(total, dtype=np.float32)
    cues, t = [], int(rng.uniform(0.5, 3.0) * RATE)
    lines = [" ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(4, 14))) for _ in range(60)]
    while True:
        speech = voice.say(rng.choice(lines), rng.choice((140, 160, 175)))
        if t + len(speech) + RATE > total:
            break
        pcm[t:t + len(speech)] += speech * rng.uniform(0.6, 1.0)
        start, end = t * 1000 / RATE, (t + len(speech)) * 1000 / RATE
        cues.append((start, end + rng.uniform(0, 400)))
        r = rng.random()
        gap = rng.uniform(0.3, 1.5) if r < 0.6 else rng.uniform(1.5, 6) if r < 0.93 or not long_gaps \
            else rng.uniform(6, 30)
        t += len(speech) + int((gap + 0.4) * RATE)
    return pcm, cues


def music(rng, n):
    """A music-like bed: chords of harmonics with note attacks, a bass line and a beat."""
    out = np.zeros(n, dtype=np.float32)
    t = 0
    roots = [110.0, 130.8, 146.8, 164.8, 196.0, 220.0]
    while t < n:
        dur = int(rng.uniform(0.4, 2.5) * RATE)
        seg = np.arange(min(dur, n - t)) / RATE
        env = np.exp(-seg * rng.uniform(0.5, 3.0))
        root = rng.choice(roots)
        chord = np.zeros_like(seg)
        for mult in (1, 1.25, 1.5, 2):
            for h in range(1, 6):
                chord += np.sin(2 * np.pi * root * mult * h * seg + rng.random() * 6) / h
        out[t:t + len(seg)] += (chord * env).astype(np.float32)
        t += dur
    beat = np.zeros(n, dtype=np.float32)
    period = int(RATE * 60 / rng.choice((90, 100, 120)))
    click = np.exp(-np.arange(int(0.08 * RATE)) / (0.015 * RATE)) * np.sin(2 * np.pi * 80 * np.arange(int(0.08 * RATE)) / RATE)
    for s in range(0, n - len(click), period):
        beat[s:s + len(click)] += click.astype(np.float32) * 2
    return out + beat


def noise(rng, n, kind):
    white = np.random.default_rng(rng.randint(0, 2**31)).standard_normal(n).astype(np.float32)
    if kind == "pink":
        spec = np.fft.rfft(white)
        spec[1:] /= np.sqrt(np.arange(1, len(spec)))
        white = np.fft.irfft(spec, n).astype(np.float32)
    return white


def mix(rng, speech, cues, snr, bed):
    if snr is None:
        return speech
    mask = np.zeros(len(speech), dtype=bool)
    for s, e in cues:
        mask[int(s * RATE / 1000):int(e * RATE / 1000)] = True
    p_speech = float(np.mean(speech[mask] ** 2))
    other = music(rng, len(speech)) + 0.3 * noise(rng, len(speech), "pink") if bed == "music" \
        else noise(rng, len(speech), bed)
    p_other = float(np.mean(other ** 2))
    other *= np.sqrt(p_speech / p_other / 10 ** (snr / 10))
    return speech + other


def encode(pcm, path, tmp, small=False):
    pcm = pcm / max(1.0, float(np.max(np.abs(pcm))) / 0.95)
    raw = os.path.join(tmp, "mix.wav")
    with wave.open(raw, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((pcm * 32767).astype(np.int16).tobytes())
    dur = len(pcm) / RATE
    ext = os.path.splitext(path)[1]
    base = ["ffmpeg", "-v", "error", "-y"]
    if ext == ".mp4":
        cmd = base + ["-f", "lavfi", "-i", f"color=c=black:s=160x90:r=5:d={dur}", "-i", raw,
                      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                      "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2", "-shortest", path]
    elif ext == ".ogg" and small:
        cmd = base + ["-i", raw, "-c:a", "libvorbis", "-q:a", "0", "-ar", "22050", path]
    elif ext == ".ogg":
        cmd = base + ["-i", raw, "-c:a", "libvorbis", "-q:a", "2", "-ar", "44100", path]
    elif ext == ".flac":
        cmd = base + ["-i", raw, "-c:a", "flac", "-ar", "48000", path]
    elif ext == ".m4a":
        cmd = base + ["-i", raw, "-c:a", "aac", "-b:a", "32k", "-ar", "22050", path]
    else:
        cmd = base + ["-i", raw, "-ar", "48000", "-ac", "2", path]
    subprocess.run(cmd, check=True)


def distort(rng, cues, kind, clip_ms):
    """The distorted cues and the description of what was done (new = truth).

    Offsets never push a cue before 00:00:00 in the distorted file (a real
    file has no negative times, and a clamped cue could not be recovered)."""
    first = cues[0][0] / 1000

    def safe(off, start=first):
        return -abs(off) if off > start - 0.1 else off

    fps_pairs = [(23.976, 25), (25, 23.976), (24, 25), (25, 24), (29.97, 25), (25, 29.97),
                 (23.976, 24), (30, 25), (24, 29.97)]
    def fps_of(v):
        return {23.976: 24000 / 1001, 29.97: 30000 / 1001}.get(v, v)
    if kind in ("offset", "jitter"):
        # A short clip's track is off by at most half the clip (further and
        # it would be subtitles for another edit, not a late track).
        far = 120 if clip_ms < 600000 else 590
        far = far if clip_ms >= 240000 else max(3, clip_ms / 2000)
        off = safe(rng.choice((-1, 1)) * rng.uniform(2, far))
        out = [(s - off * 1000, e - off * 1000) for s, e in cues]
        if kind == "jitter":
            out = [(s + j, e + j) for (s, e), j in ((c, rng.uniform(-150, 150)) for c in out)]
        return out, {"offset_s": off}
    if kind in ("fps", "fps+offset"):
        a, b = rng.choice(fps_pairs)
        # Subtitles timed for a video at `a` fps shown at `b`: truth = old * a / b.
        ratio = fps_of(a) / fps_of(b)
        off = safe(rng.choice((-1, 1)) * rng.uniform(2, 60)) if kind == "fps+offset" else 0.0
        return [((s - off * 1000) / ratio, (e - off * 1000) / ratio) for s, e in cues], \
            {"fps": f"{a}:{b}", "offset_s": off}
    if kind.startswith("split"):
        parts = 2 if kind == "split1" else 3
        n = len(cues)
        # Each part keeps at least 8 cues where the track has them (the
        # same range as n // 5 .. 4n // 5 from 40 cues up).
        least = min(8, n // (parts + 1))
        cuts = sorted(rng.sample(range(max(n // 5, least), min(4 * n // 5, n - least)), parts - 1))
        far = 40 if clip_ms >= 240000 else max(3, clip_ms / 4000)
        offs = [rng.choice((-1, 1)) * rng.uniform(2, far) for _ in range(parts)]
        # Keep parts apart enough that the edit is a real re-edit (>= 1.5 s difference).
        for i in range(1, parts):
            if abs(offs[i] - offs[i - 1]) < 1.5:
                offs[i] = offs[i - 1] + 3.0
        for i, at in enumerate([0] + cuts):
            offs[i] = safe(offs[i], cues[at][0] / 1000)
        out, part = [], 0
        for i, (s, e) in enumerate(cues):
            while part < len(cuts) and i >= cuts[part]:
                part += 1
            out.append((s - offs[part] * 1000, e - offs[part] * 1000))
        return out, {"cuts": cuts, "offsets_s": offs}
    raise ValueError(kind)


# name, minutes, container, noise (SNR dB or None), bed, distortion
CASES = [
    ("offset-clean-mp4", 4, ".mp4", None, None, "offset"),
    ("offset-20db-flac", 4, ".flac", 20, "white", "offset"),
    ("offset-10db-ogg", 4, ".ogg", 10, "pink", "offset"),
    ("offset-5db-music-wav", 4, ".wav", 5, "music", "offset"),
    ("fps-clean-mp4", 5, ".mp4", None, None, "fps"),
    ("fps-10db-ogg", 5, ".ogg", 10, "pink", "fps"),
    ("fps-5db-music-mp4", 5, ".mp4", 5, "music", "fps"),
    ("fps+offset-clean-flac", 5, ".flac", None, None, "fps+offset"),
    ("fps+offset-20db-mp4", 5, ".mp4", 20, "music", "fps+offset"),
    ("fps+offset-5db-music-ogg", 5, ".ogg", 5, "music", "fps+offset"),
    ("split1-clean-mp4", 6, ".mp4", None, None, "split1"),
    ("split1-10db-music-flac", 6, ".flac", 10, "music", "split1"),
    ("split2-clean-ogg", 8, ".ogg", None, None, "split2"),
    ("split2-5db-music-mp4", 8, ".mp4", 5, "music", "split2"),
    ("jitter-clean-wav", 4, ".wav", None, None, "jitter"),
    ("jitter-10db-music-mp4", 4, ".mp4", 10, "music", "jitter"),
    ("long-60min-fps+offset-10db-mp4", 60, ".mp4", 10, "pink", "fps+offset"),
]

# The clips screened at events are short (trailers, web clips, deleted
# scenes): 20 s to 3 min, 5 to 30 cues. Minutes are fractional here; the
# ones with fewer than 8 cues are below what can be judged and should be
# refused with advice, not synced.
SHORT = [
    ("s-offset-clean-flac", 1, ".flac", None, None, "offset"),
    ("s-fps-clean-flac", 1, ".flac", None, None, "fps"),
    ("s-jitter-clean-flac", 1, ".flac", None, None, "jitter"),
    ("s-offset-20db-pink-wav", 2, ".wav", 20, "pink", "offset"),
    ("s-jitter-20db-pink-wav", 2, ".wav", 20, "pink", "jitter"),
    ("s-split1-20db-pink-wav", 2, ".wav", 20, "pink", "split1"),
    ("s-split1-10db-pink-ogg", 2, ".ogg", 10, "pink", "split1"),
    ("s-fps+offset-10db-pink-ogg", 2, ".ogg", 10, "pink", "fps+offset"),
    ("s-split1-5db-music-mp4", 3, ".mp4", 5, "music", "split1"),
    ("s-offset-5db-music-mp4", 3, ".mp4", 5, "music", "offset"),
    ("s-fps-10db-music-flac", 3, ".flac", 10, "music", "fps"),
    ("s-offset-clean-30s-wav", 0.5, ".wav", None, None, "offset"),
    ("s-offset-10db-music-30s-ogg", 0.5, ".ogg", 10, "music", "offset"),
    ("s-offset-clean-20s-flac", 1 / 3, ".flac", None, None, "offset"),
    ("s-jitter-20db-white-45s-mp4", 0.75, ".mp4", 20, "white", "jitter"),
    ("s-fps+offset-clean-90s-ogg", 1.5, ".ogg", None, None, "fps+offset"),
]

# Small committed fixtures for the integration tests: audio only, low bitrate.
# "music-only" has no speech at all (its truth track is empty). "split-pink"
# is the short case s-split1-10db-pink-ogg (same seed), whose later part of
# 8 cues 1.9 s away the audio cannot confirm: sync must refuse it, naming
# those cues, rather than write a compromise fit.
FIXTURES = [
    ("speech-a", 3, ".m4a", 10, "music", None),
    ("speech-b", 3, ".ogg", None, None, None),
    ("music-only", 1, ".ogg", None, None, None),
    ("split-pink", 2, ".ogg", 10, "pink", "split1", 106),
]


def make(out, name, minutes, ext, snr, bed, kind, seed, tmp, voice, small=False):
    rng = random.Random(seed)
    if name == "music-only":
        n = int(minutes * 60 * RATE)
        pcm, cues = music(rng, n) + 0.3 * noise(rng, n, "pink"), []
    else:
        speech, cues = timeline(rng, voice, minutes)
        pcm = mix(rng, speech, cues, snr, bed)
    os.makedirs(out, exist_ok=True)
    clip = os.path.join(out, name + ext)
    encode(pcm, clip, tmp, small=small or kind is None)
    if cues:
        write_srt(os.path.join(out, name + ".truth.srt"), cues)
    info = {"clip": os.path.basename(clip), "minutes": minutes, "snr_db": snr, "bed": bed,
            "kind": kind, "cues": len(cues)}
    if kind:
        bad, what = distort(rng, cues, kind, minutes * 60000)
        write_srt(os.path.join(out, name + ".in.srt"), bad)
        info.update(what)
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--fixtures", metavar="DIR")
    ap.add_argument("--quick", action="store_true", help="skip the 60-minute clip")
    ap.add_argument("--short", action="store_true", help="only the short clips (20 s to 3 min)")
    ap.add_argument("--all", action="store_true", help="the short clips as well as the others")
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        voice = Voice(tmp)
        if a.fixtures:
            for i, (name, minutes, ext, snr, bed, kind, *seed) in enumerate(FIXTURES):
                if a.only and name not in a.only:
                    continue
                seed = seed[0] if seed else 1000 + i
                make(a.fixtures, name, minutes, ext, snr, bed, kind, seed, tmp, voice, small=True)
            return
        if not a.out:
            ap.error("OUT_DIR or --fixtures DIR")
        path = os.path.join(a.out, "truth.json")
        truth = json.load(open(path)) if a.only and os.path.exists(path) else {}
        cases = list(enumerate(CASES)) if not a.short else []
        if a.short or a.all:
            # Seeds after the long cases', so adding a short case changes no other.
            cases += [(100 + i, c) for i, c in enumerate(SHORT)]
        for i, (name, minutes, ext, snr, bed, kind) in cases:
            if (a.quick and minutes > 10) or (a.only and name not in a.only):
                continue
            print(f"making {name}", file=sys.stderr)
            truth[name] = make(a.out, name, minutes, ext, snr, bed, kind, i, tmp, voice)
        with open(path, "w") as f:
            json.dump(truth, f, indent=1)


if __name__ == "__main__":
    main()
