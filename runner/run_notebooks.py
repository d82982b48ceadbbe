#!/usr/bin/python3
"""Executes the project's notebooks in order, headless, in the project's Java kernel.

Called by `./agecnn run` (which builds the library and installs the kernel spec first).
Each run writes reports/<run-id>/: the executed notebooks (also when a cell fails: what ran
up to there is kept), their HTML, run.json and the figures. A kernel that does not answer at
start-up is retried (the rapaio kernel sometimes binds its ports and never answers
kernel_info_request); a failing cell fails the run, naming the notebook, the cell and the error.

Runs under Debian's /usr/bin/python3 (nbclient, nbformat, nbconvert from Debian packages).
"""
import argparse
import datetime as dt
import glob
import json
import os
import shutil
import subprocess
import sys
import threading
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

KERNEL = "agecnn-java"
STARTUP_TIMEOUT_S = 15   # a healthy kernel answers within 1-2 s of binding its ports, even on a loaded machine
STARTUP_ATTEMPTS = 4


def log(msg):
    print(msg, flush=True)


def follow(path, stop):
    """Prints the lines appended to path (training progress written by the notebooks) until stop is set,
    so a terminal shows what a headless notebook is doing."""
    pos = os.path.getsize(path) if os.path.exists(path) else 0
    while True:
        stopped = stop.wait(2)
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                f.seek(pos)
                chunk = f.read()
                pos = f.tell()
            for line in chunk.splitlines():
                log("   " + line)
        if stopped:
            return


def git_commit(project):
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=project,
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "") if head else None
    except OSError:
        return None


class KernelStartError(Exception):
    pass


def execute(path, out_path, cell_timeout, kernel_log):
    """Runs one notebook; returns a dict for run.json. Always writes what ran to out_path.
    The kernel's own log (it logs every message it handles) goes to kernel_log."""
    record = {"notebook": os.path.basename(path), "status": "ok", "attempts": 0}
    t0 = time.time()
    for attempt in range(1, STARTUP_ATTEMPTS + 1):
        record["attempts"] = attempt
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name=KERNEL, timeout=cell_timeout, startup_timeout=STARTUP_TIMEOUT_S,
                                allow_errors=False, record_timing=True,
                                resources={"metadata": {"path": os.path.dirname(path)}})
        started = False
        try:
            with open(kernel_log, "a") as klog, client.setup_kernel(stdout=klog, stderr=klog):
                started = True
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code":
                        client.execute_cell(cell, index)
                record.update(kernel_memory(client))
        except CellExecutionError as e:
            index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and
                          any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
            record.update(status="failed", cell=index, error=cell_error(nb, index, e))
        except (RuntimeError, TimeoutError, DeadKernelError) as e:
            if not started and attempt < STARTUP_ATTEMPTS:
                log(f"  kernel did not answer at start-up ({type(e).__name__}: {e}); retrying ({attempt + 1}/{STARTUP_ATTEMPTS})")
                continue
            record.update(status="failed", error=("kernel did not start: " if not started else "kernel died: ")
                          + f"{type(e).__name__}: {e}")
        nbformat.write(nb, out_path)
        break
    record["seconds"] = round(time.time() - t0, 1)
    return record


def kernel_memory(client):
    """The kernel JVM's peak resident memory (VmHWM) and what is resident at the end, split into
    anonymous memory (heap, off-heap tensors) and file pages (the memory-mapped tensor cache,
    which the OS drops under pressure), in MB; empty where /proc cannot tell."""
    km = client.km
    proc = getattr(getattr(km, "provisioner", None), "process", None) or getattr(km, "kernel", None)
    pid = getattr(proc, "pid", None)
    try:
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
    except (OSError, TypeError):
        return {}
    mb = lambda key: round(int(status[key].split()[0]) / 1024) if key in status else None
    return {"kernel_peak_rss_mb": mb("VmHWM"), "kernel_end_rss_anon_mb": mb("RssAnon"), "kernel_end_rss_file_mb": mb("RssFile")}


def cell_error(nb, index, exc):
    if index is None:
        return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    err = next(o for o in nb.cells[index].outputs if o.get("output_type") == "error")
    first = nb.cells[index].source.strip().splitlines()
    return {"ename": err.get("ename"), "evalue": (err.get("evalue") or "").strip(),
            "source": first[0] if first else "", "traceback": [strip_ansi(t) for t in err.get("traceback", [])][:12]}


def strip_ansi(s):
    import re
    return re.sub(r"\x1b\[[0-9;]*m", "", s)


def to_html(ipynb, html):
    r = subprocess.run(["jupyter-nbconvert", "--to", "html", "--log-level=WARN", ipynb, "--output", os.path.abspath(html)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        log(f"  (HTML of {os.path.basename(ipynb)} not written: {r.stderr.strip().splitlines()[-1:]})")


def on_request(path):
    """The reason a notebook runs only when asked for, from its metadata (agecnn.on_request), or None."""
    return nbformat.read(path, as_version=4).metadata.get("agecnn", {}).get("on_request")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--notebooks-dir", default="", help="default: <project>/notebooks")
    ap.add_argument("--only", default="", help="comma-separated notebook prefixes, e.g. 01,02,03")
    ap.add_argument("--cell-timeout", type=int, default=4 * 3600)
    ap.add_argument("--copy-figures", default="", help="folder to copy the run's figures to (README images)")
    a = ap.parse_args()

    nb_dir = a.notebooks_dir or os.path.join(a.project, "notebooks")
    notebooks = sorted(glob.glob(os.path.join(nb_dir, "[0-9][0-9]_*.ipynb")))
    if a.only:
        wanted = [w.strip() for w in a.only.split(",") if w.strip()]
        notebooks = [n for n in notebooks if any(os.path.basename(n).startswith(w) for w in wanted)]
    else:
        # A notebook marked on_request (07_spark: it needs the Spark build) runs only when --only names it.
        for n in [n for n in notebooks if on_request(n)]:
            log(f"(skipping {os.path.basename(n)}: {on_request(n)})")
            notebooks.remove(n)
    if not notebooks:
        log("no notebooks to run"); return 2

    os.makedirs(os.path.join(a.run_dir, "notebooks"), exist_ok=True)
    run = {"run_id": os.path.basename(os.path.normpath(a.run_dir)), "git_commit": git_commit(a.project),
           "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "notebooks": []}
    status = 0
    stop_following = threading.Event()
    follower = threading.Thread(target=follow, args=(os.path.join(a.run_dir, "progress.log"), stop_following), daemon=True)
    follower.start()
    for path in notebooks:
        name = os.path.basename(path)
        log(f"== {name}")
        out = os.path.join(a.run_dir, "notebooks", name)
        rec = execute(path, out, a.cell_timeout, os.path.join(a.run_dir, "notebooks", name[:-len(".ipynb")] + ".kernel.log"))
        run["notebooks"].append(rec)
        if os.path.exists(out):
            to_html(out, out[:-len(".ipynb")] + ".html")
        if rec["status"] != "ok":
            err = rec.get("error")
            if isinstance(err, dict):
                log(f"FAILED {name}, cell {rec.get('cell')} ({err['source'][:80]}): {err['ename']}: {err['evalue']}")
                for line in err["traceback"][:6]:
                    log("    " + line.rstrip()[:300])
            else:
                log(f"FAILED {name}: {err}")
            log(f"What ran up to there is kept in {a.run_dir}")
            status = 1
            break
        peak = f", kernel peak resident memory {rec['kernel_peak_rss_mb']} MB" if rec.get("kernel_peak_rss_mb") else ""
        log(f"   ok in {rec['seconds']} s{peak}")

    stop_following.set()
    follower.join(timeout=10)
    run["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    run["status"] = "ok" if status == 0 else "failed"
    # What the notebooks recorded themselves: parameters in force, data fingerprint, stage facts.
    facts_path = os.path.join(a.run_dir, "facts.json")
    if os.path.exists(facts_path):
        with open(facts_path) as f:
            facts = json.load(f)
        run["parameters"] = facts.pop("parameters", None)
        run["data"] = facts.pop("data", None)
        run["facts"] = facts
    with open(os.path.join(a.run_dir, "run.json"), "w") as f:
        json.dump(run, f, indent=2)

    # Only the top level of figures/ goes to the README: figures/faces/ holds pictures made of
    # dataset images (sample grids, galleries), which must never be committed.
    figures = os.path.join(a.run_dir, "figures")
    if status == 0 and a.copy_figures and os.path.isdir(figures):
        os.makedirs(a.copy_figures, exist_ok=True)
        for png in glob.glob(os.path.join(figures, "*.png")):
            shutil.copy2(png, a.copy_figures)
    log(f"report: {a.run_dir}/run.json ({run['status']})")
    return status


if __name__ == "__main__":
    sys.exit(main())
