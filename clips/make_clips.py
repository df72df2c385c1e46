#!/usr/bin/env python3
"""Make the demo kit's placeholder clips and their English subtitles.

For each clip in clips/script.toml: speak every cue's pinyin with espeak-ng
(voice cmn-latn-pinyin), lay the speech on a timeline with pauses, normalise
the loudness, put it under a plain title card that says PLACEHOLDER, and
encode H.264 (yuv420p) + AAC-LC in MP4. The English .srt is written from the
actual speech times, so it is correctly timed by construction: each cue
starts with its speech and stays up until the speech ends (plus a short
tail) or until its text can be read at 17 characters per second.

Needs ffmpeg and espeak-ng (Debian: apt-get install ffmpeg espeak-ng);
nothing else in screenkit does. Run from the repo root:
    python3 clips/make_clips.py
"""
import os
import struct
import subprocess
import sys
import tempfile
import tomllib
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = 22050  # espeak-ng's output rate
LEAD_MS, GAP_MS, TAIL_MS, END_MS = 600, 700, 300, 1000
READ_CPS = 17
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def srt_time(ms):
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"


def speak(pinyin, path):
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "150", "-w", path, pinyin], check=True)
    with wave.open(path, "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2), path
        return w.readframes(w.getnframes())


def timeline(cues, tmp):
    """The mono PCM track and the (start, end) of each cue in ms."""
    pcm, times, t = bytearray(), [], LEAD_MS
    for i, cue in enumerate(cues):
        speech = speak(cue["pinyin"], os.path.join(tmp, f"{i}.wav"))
        pad = t * RATE // 1000 * 2 - len(pcm)
        pcm += b"\0" * pad + speech
        speech_ms = len(speech) // 2 * 1000 // RATE
        chars = len(cue["en"].replace("\n", ""))
        end = max(t + speech_ms + TAIL_MS, t + -(-chars * 1000 // READ_CPS))
        times.append((t, end))
        t = end + GAP_MS
    total = times[-1][1] + END_MS
    pcm += b"\0" * (total * RATE // 1000 * 2 - len(pcm))
    return bytes(pcm), times, total


def escape(text):
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\u2019")


def make_clip(clip, tmp):
    pcm, times, total = timeline(clip["cues"], tmp)
    audio = os.path.join(tmp, "speech.wav")
    with wave.open(audio, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm)
    lines = [("PLACEHOLDER CLIP", 34, 90), (clip["title"], 22, 160), ("Last Train Home (Lixin Fan, 2009)", 18, 220),
             ("synthetic Mandarin speech, not the film", 16, 260)]
    draw = ",".join(
        f"drawtext=fontfile={FONT}:text='{escape(t)}':fontcolor=white:fontsize={s}:x=(w-text_w)/2:y={y}"
        for t, s, y in lines)
    out = os.path.join(ROOT, "clips", f"{clip['id']}.mp4")
    subprocess.run([
        "ffmpeg", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"color=c=0x1f2937:s=640x360:r=25:d={total / 1000}",
        "-i", audio,
        "-vf", draw, "-c:v", "libx264", "-preset", "veryslow", "-crf", "30", "-pix_fmt", "yuv420p",
        # Same loudness for every clip, so the kit check finds them within 3 LU.
        "-af", "loudnorm=I=-23:TP=-2:LRA=11,aresample=48000", "-ac", "2", "-c:a", "aac", "-b:a", "64k",
        "-shortest", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", out,
    ], check=True)
    srt = "\n".join(f"{i}\n{srt_time(s)} --> {srt_time(e)}\n{c['en']}\n"
                    for i, ((s, e), c) in enumerate(zip(times, clip["cues"]), 1))
    with open(os.path.join(ROOT, "subtitles", f"{clip['id']}.en.srt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(srt)
    return out, os.path.getsize(out), total


def main():
    with open(os.path.join(ROOT, "clips", "script.toml"), "rb") as f:
        clips = tomllib.load(f)["clip"]
    size = 0
    for clip in clips:
        with tempfile.TemporaryDirectory() as tmp:
            out, n, total = make_clip(clip, tmp)
        size += n
        print(f"{os.path.relpath(out, ROOT)}: {total / 1000:.1f} s, {n // 1024} KiB")
    print(f"total {size / 1e6:.2f} MB")
    if size > 5e6:
        sys.exit("placeholder clips exceed 5 MB")


if __name__ == "__main__":
    main()
