"""Figures 1 and 2: the engine against the GPGME limit and against script gateways.

1. ``mailveil-engine-bench`` (engine_bench.cpp) runs, in one process and
   interleaved, mailveil's core and a bare gpgme_op_encrypt loop over each
   corpus file; here the per-file times are summed per size class (one
   message of each kind), so a row's rate is "messages/s for a mix of plain,
   HTML and attachment mail of that size". The same again with 2 and 4
   threads on one file shows how far parallel GPGME contexts go.
2. A process per message: ``mailveil-filter`` (process start, keyring check,
   key lookup, encryption) and ``gpg --encrypt`` (what a script-based gateway
   pays at least), alternating file by file, wall time of each run.
"""

import os
import subprocess
import time


def parse_lines(text):
    """key=value lines -> list of dicts (numbers converted)."""
    rows = []
    for line in text.splitlines():
        fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
        for key in ("bytes", "threads", "messages"):
            if key in fields:
                fields[key] = int(fields[key])
        for key in ("seconds", "own_cpu"):
            if key in fields:
                fields[key] = float(fields[key])
        rows.append(fields)
    return rows


def run_engine_bench(binary, keyring, recipient, files, seconds, threads=1, run_as=()):
    command = list(run_as) + [binary, "-k", keyring, "-r", recipient, "-t", str(threads),
                              "-s", str(seconds)]
    result = subprocess.run(command + list(files), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(command), result.returncode,
                                                        result.stderr.strip()))
    return parse_lines(result.stdout)


def size_label(name):
    return name.split("-", 1)[0]


def per_size(rows, sizes):
    """{size label: {loop: (seconds per mix of one message of each kind, own cpu per mix)}}
    plus "all" for the whole corpus (one message of each size and kind)."""
    table = {}
    for label in list(sizes) + ["all"]:
        table[label] = {}
        for loop in ("engine", "gpgme"):
            chosen = [r for r in rows if r["loop"] == loop
                      and (label == "all" or size_label(r["file"]) == label)]
            table[label][loop] = (sum(r["seconds"] / r["messages"] for r in chosen),
                                  sum(r["own_cpu"] / r["messages"] for r in chosen),
                                  len(chosen))
    return table


def kind_label(name):
    return name.split("-", 1)[1].rsplit(".", 1)[0]


def per_kind(rows):
    """{kind: {loop: (seconds per mix of one message of each size, own cpu per mix)}}."""
    table = {}
    for kind in sorted({kind_label(r["file"]) for r in rows}):
        table[kind] = {}
        for loop in ("engine", "gpgme"):
            chosen = [r for r in rows if r["loop"] == loop and kind_label(r["file"]) == kind]
            table[kind][loop] = (sum(r["seconds"] / r["messages"] for r in chosen),
                                 sum(r["own_cpu"] / r["messages"] for r in chosen),
                                 len(chosen))
    return table


def parallel_figures(binary, keyring, recipient, thread_file, seconds, thread_counts,
                     run_as=()):
    """{threads: {loop: messages/s}} on one file."""
    parallel = {}
    for threads in thread_counts:
        (engine, gpgme) = sorted(run_engine_bench(binary, keyring, recipient, [thread_file],
                                                  seconds, threads, run_as),
                                 key=lambda r: r["loop"])
        parallel[threads] = {"engine": engine["messages"] / engine["seconds"],
                             "gpgme": gpgme["messages"] / gpgme["seconds"]}
    return parallel


def engine_figures(binary, keyring, recipient, files, sizes, seconds):
    rows = run_engine_bench(binary, keyring, recipient, files, seconds)
    return {"rows": rows, "sizes": per_size(rows, sizes), "kinds": per_kind(rows)}


def time_process(command, path):
    """Wall seconds of one run of command with path on stdin; raises on failure."""
    with open(path, "rb") as stdin:
        start = time.perf_counter()
        result = subprocess.run(command, stdin=stdin, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(command), result.returncode,
                                                        result.stderr.decode(errors="replace")))
    return elapsed


def gateway_figures(filter_binary, keyring, recipient, files, rounds):
    """Seconds per corpus pass (one run per file) for each way, medians over rounds."""
    ways = {
        "mailveil-filter": [filter_binary, "-k", keyring, "-r", recipient],
        "gpg": ["gpg", "--homedir", keyring, "--batch", "--no-tty", "--quiet",
                "--trust-model", "always", "--encrypt", "--armor", "-r", recipient],
    }
    for command in ways.values():  # warm-up: page cache, gpg-agent
        time_process(command, files[0])
    passes = {name: [] for name in ways}
    for _ in range(rounds):
        totals = dict.fromkeys(ways, 0.0)
        for path in files:
            for name, command in ways.items():
                totals[name] += time_process(command, path)
        for name in ways:
            passes[name].append(totals[name])
    return {name: sorted(values)[len(values) // 2] for name, values in passes.items()}
