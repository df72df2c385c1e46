#!/usr/bin/env python3
"""Tamper benchmark (issue 16): single-byte changes to a kit zip, and
whether `screenkit verify` catches them.

  random  N flips anywhere in the zip
  aimed   N flips inside local headers, central records, names and the
          end records (everything but the compressed data)

A flip verify lets pass (exit 0) is a *miss*. A miss is acceptable only if
it changes nothing an unzip tool extracts: `unzip -t` and `7z t` both pass,
and unzip, 7z and Python's zipfile each extract the same files, with the
same bytes and the same permissions, as from the untouched zip. Any other
miss is *unacceptable*; the target is none in 1,000 + 1,000.

Usage: python3 benches/tamper.py [ZIP] [--random 1000] [--aimed 1000]
                                 [--seed 1] [--jobs 2] [--bin SCREENKIT]
ZIP defaults to dist/last-train-home.zip
(`cargo run --release -- build kits/last-train-home` makes it).
Needs: cargo build --release; unzip and 7z (`bash tests/run` installs 7z).
Exits 1 if any miss is unacceptable.
"""
import argparse, concurrent.futures, hashlib, os, random, shutil, stat
import struct, subprocess, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.path.join(TARGET, "release", "screenkit")


def run(cmd):
    # stdin from an empty pipe: no tool may wait for a password, and
    # /dev/null is not a device everywhere.
    return subprocess.run(cmd, input=b"", stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def header_ranges(data):
    """(start, end) of every byte outside the compressed data."""
    eocd = data.rindex(b"PK\x05\x06")
    count, cd_size, cd_off = struct.unpack_from("<HII", data, eocd + 10)
    ranges = [(cd_off, len(data))]  # central directory and end records
    at = cd_off
    for _ in range(count):
        n, x, c = struct.unpack_from("<HHH", data, at + 28)
        (local,) = struct.unpack_from("<I", data, at + 42)
        ln, lx = struct.unpack_from("<HH", data, local + 26)
        ranges.append((local, local + 30 + ln + lx))
        at += 46 + n + x + c
    return ranges


def tree(root):
    """What an extraction wrote: path -> (mode, SHA-256)."""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if stat.S_ISDIR(st.st_mode):
                out[rel + "/"] = (stat.S_IMODE(st.st_mode), None)
                continue
            digest = None
            if stat.S_ISREG(st.st_mode):
                # Made readable to hash it: the mode recorded is the one
                # the tool wrote.
                os.chmod(p, st.st_mode | 0o400)
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            out[rel] = (stat.S_IFMT(st.st_mode) | stat.S_IMODE(st.st_mode), digest)
    for d, dirs, _ in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(d, name), 0o755)
    return out


def extractions(zip_path, work):
    """Each tool's extraction of zip_path, or its failure."""
    found = {}
    d = os.path.join(work, "unzip")
    r = run(["unzip", "-qq", "-o", zip_path, "-d", d])
    found["unzip"] = tree(d) if r.returncode == 0 else f"unzip exit {r.returncode}"
    d = os.path.join(work, "7z")
    r = run(["7z", "x", "-y", "-pnone", f"-o{d}", zip_path])
    found["7z"] = tree(d) if r.returncode == 0 else f"7z exit {r.returncode}"
    d = os.path.join(work, "zipfile")
    try:
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(d)
            # zipfile leaves permissions to the umask: compare bytes only.
        found["zipfile"] = {k: (None, v[1]) for k, v in tree(d).items()}
    except Exception as e:  # any failure to extract is a difference
        found["zipfile"] = f"zipfile: {type(e).__name__}"
    return found


def judge_miss(path, work, clean):
    """Why a miss is unacceptable, or None if nothing extracted changed."""
    t = run(["unzip", "-t", path])
    if t.returncode != 0:
        return f"unzip -t exit {t.returncode}"
    t = run(["7z", "t", "-pnone", path])
    if t.returncode != 0:
        return f"7z t exit {t.returncode}"
    got = extractions(path, work)
    for tool, want in clean.items():
        if got[tool] != want:
            return f"{tool} extracts something else"
    return None


def trial(args):
    data, at, xor, clean, keep = args
    mutated = bytearray(data)
    mutated[at] ^= xor
    work = tempfile.mkdtemp(prefix="tamper-")
    try:
        path = os.path.join(work, "kit.zip")
        with open(path, "wb") as f:
            f.write(mutated)
        v = run([BIN, "--quiet", "verify", path])
        if v.returncode not in (0, 1):
            return ("error", at, xor, v.stderr.decode(errors="replace")[:200])
        if v.returncode == 1:
            return ("caught", at, xor, None)
        why = judge_miss(path, work, clean)
        if why and keep:
            shutil.copy(path, os.path.join(keep, f"miss-{at}-{xor:02x}.zip"))
        return ("unacceptable" if why else "acceptable", at, xor, why)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("zip", nargs="?", default=os.path.join(ROOT, "dist", "last-train-home.zip"))
    ap.add_argument("--random", type=int, default=1000)
    ap.add_argument("--aimed", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="copy each unacceptable zip into this folder")
    ap.add_argument("--bin", help="the screenkit binary (default: the release build)")
    a = ap.parse_args()
    global BIN
    BIN = a.bin or BIN
    for tool in ("unzip", "7z"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not on PATH (bash tests/run installs 7z)")
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} missing: cargo build --release first")
    data = open(a.zip, "rb").read()
    if run([BIN, "--quiet", "verify", a.zip]).returncode != 0:
        sys.exit(f"{a.zip} does not verify before any change")
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    work = tempfile.mkdtemp(prefix="tamper-clean-")
    clean = extractions(a.zip, work)
    shutil.rmtree(work, ignore_errors=True)
    rng = random.Random(a.seed)
    headers = [i for s, e in header_ranges(data) for i in range(s, e)]
    plans = {
        "random": [rng.randrange(len(data)) for _ in range(a.random)],
        "aimed": [rng.choice(headers) for _ in range(a.aimed)],
    }
    failed = False
    print(f"{a.zip}: {len(data)} bytes, {len(headers)} of them outside the compressed data")
    for group, offsets in plans.items():
        jobs = [(data, at, rng.randrange(1, 256), clean, a.keep) for at in offsets]
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            results = list(pool.map(trial, jobs))
        counts = {k: 0 for k in ("caught", "acceptable", "unacceptable", "error")}
        for kind, at, xor, why in results:
            counts[kind] += 1
            if kind in ("unacceptable", "error"):
                failed = True
                print(f"  {group}: {kind} at byte {at} (xor 0x{xor:02x}): {why}")
        missed = counts["acceptable"] + counts["unacceptable"]
        print(
            f"{group:>6}: {len(offsets)} flips, {counts['caught']} caught, {missed} missed "
            f"({counts['acceptable']} acceptable: nothing any unzip tool extracts changed; "
            f"{counts['unacceptable']} unacceptable), {counts['error']} verify errors"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
