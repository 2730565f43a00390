#!/usr/bin/env python3
"""Reference hashcodes computed by the installed e2xgrader package itself.

Used by tests/integration/e2xgrader-parity.test.ts and bench/grading to check the portal's
TypeScript implementation against e2xgrader, byte for byte.

Commands (all print JSON on stdout):

  hash DIR [--username U] [--assignment A]
      Hashcodes of one submission folder:
        sha1sum.stored   hashcode of DIR/SHA1SUM.txt as stored (null if absent)
        sha1sum.rebuilt  hashcode of SHA1SUM.txt regenerated now by
                         e2xgrader.exchange.hash_utils.generate_directory_hash_file with the
                         arguments E2xExchangeSubmit.create_exam_files uses
        sha1sum.text     the regenerated SHA1SUM.txt content
        notebook         SHA-1 of DIR/<assignment>.ipynb in both formats (e2xgrader 0.1/0.2
                         notebook mode, and the 3x4 format), null if absent
        info             Username / Hashcode / Timestamp from DIR/<username>_info.txt
      U defaults to the prefix of the folder's single *_info.txt, else the folder name's student;
      A defaults to the folder name's assignment.

  hash-many [--jobs N]
      Reads folder paths from stdin (one per line) and prints {"results": [{dir, rebuilt}, ...],
      "seconds": ...}: the rebuilt SHA1SUM.txt hashcode of each (the bench's e2xgrader run).

  submit --root R --course C --assignment A --src SRC --user U [--timestamp TS] [--plain]
         [--random]
      Runs e2xgrader's own E2xExchangeSubmit in student_exam mode: SRC is the folder holding the
      assignment folder A; writes SHA1SUM.txt, U_info.txt, *_hashcode.html into SRC/A, then copies
      it to R/C/personalized-inbound/U/U+A+TS (R/C/inbound/... with --plain).

  batch
      Reads one JSON array of command-line arguments per stdin line (e.g. ["hash", "DIR"]),
      runs them all in this one process and prints {"results": [{"ok": ...} | {"error": ...}]}.

  submit-notebook --root R --course C --assignment A --src SRC --user U [--timestamp TS] [--plain]
      Writes a submission the way e2xgrader 0.1/0.2 did (notebook mode): appends a timestamp cell
      to SRC/A/A.ipynb with nbformat, hashes that notebook, writes U_info.txt with the 4x6 code and
      the full timestamp, copies with nbgrader's ignore rules and writes timestamp.txt.
"""

import argparse
import datetime
import glob
import json
import os
import shutil
import sys
import tempfile
import time
from unittest.mock import patch

from e2xgrader.exchange.hash_utils import (
    compute_hashcode_of_file,
    generate_directory_hash_file,
    truncate_hashcode,
)
from e2xgrader.exchange.utils import generate_student_info_file

SHA1SUM = "SHA1SUM.txt"
TIMESTAMP = "timestamp.txt"


def _exclude_subfolders():
    from e2xgrader.exchange.submit import E2xExchangeSubmit

    return list(E2xExchangeSubmit.class_traits()["exclude_hashcode_subfolders"].default())


def _folder_parts(name):
    parts = name.split("+")
    if len(parts) < 3:
        return None, None
    if len(parts) >= 4 and len(parts[-1]) == 12:
        parts = parts[:-1]
    return "+".join(parts[:-2]), parts[-2]


def legacy_truncate(hexdigest):
    """Formatting of e2xgrader 0.1/0.2: 4 chunks of 6, each starting 5 after the previous."""
    return "-".join(hexdigest[start : start + 6] for start in (0, 5, 10, 15))


def read_info(path):
    info = {"file": os.path.basename(path), "username": None, "hashcode": None, "timestamp": None}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            if sep and key in ("username", "hashcode", "timestamp") and info[key] is None:
                info[key] = value.strip() or None
    return info


def hash_dir(directory, username=None, assignment=None):
    directory = os.path.abspath(directory)
    student, folder_assignment = _folder_parts(os.path.basename(directory))
    infos = sorted(glob.glob(os.path.join(glob.escape(directory), "*_info.txt")))
    if username is None:
        if student and os.path.isfile(os.path.join(directory, f"{student}_info.txt")):
            username = student
        elif infos:
            username = os.path.basename(infos[0])[: -len("_info.txt")]
        else:
            username = student or ""
    assignment = assignment or folder_assignment

    sum_path = os.path.join(directory, SHA1SUM)
    stored = None
    if os.path.isfile(sum_path):
        stored = truncate_hashcode(compute_hashcode_of_file(sum_path, method="sha1"), number_of_chunks=3, chunk_size=4)

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, SHA1SUM)
        # Same arguments as E2xExchangeSubmit.create_exam_files. The output path is absolute so
        # that nothing is written into the submission; SHA1SUM.txt is excluded explicitly because
        # generate_directory_hash_file only appends its own (here absolute) output name.
        generate_directory_hash_file(
            directory,
            method="sha1",
            exclude_files=[TIMESTAMP, f"{username}_info.txt", "*.html", SHA1SUM],
            exclude_subfolders=_exclude_subfolders(),
            output_file=out,
        )
        rebuilt = truncate_hashcode(compute_hashcode_of_file(out, method="sha1"), number_of_chunks=3, chunk_size=4)
        with open(out, encoding="utf-8") as f:
            text = f.read()

    notebook = None
    if assignment:
        nb_path = os.path.join(directory, f"{assignment}.ipynb")
        if os.path.isfile(nb_path):
            digest = compute_hashcode_of_file(nb_path, method="sha1")
            notebook = {
                "path": f"{assignment}.ipynb",
                "sha1": digest,
                "short": truncate_hashcode(digest, number_of_chunks=3, chunk_size=4),
                "legacy": legacy_truncate(digest),
            }

    info_path = os.path.join(directory, f"{username}_info.txt")
    info = read_info(info_path) if os.path.isfile(info_path) else None
    return {
        "dir": directory,
        "username": username,
        "assignment": assignment,
        "sha1sum": {"stored": stored, "rebuilt": rebuilt, "text": text},
        "notebook": notebook,
        "info": info,
    }


def _timestamp(args):
    if args.timestamp:
        return args.timestamp
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def submit(args):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    from e2xgrader.exchange.submit import E2xExchangeSubmit
    from e2xgrader.utils.mode import E2xGraderMode

    class AllowAll(Authenticator):
        def has_access(self, student_id, course_id):
            return True

    coursedir = CourseDirectory()
    coursedir.root = args.src
    coursedir.course_id = args.course
    coursedir.assignment_id = args.assignment
    coursedir.student_id = "*"

    E2xExchangeSubmit.personalized_inbound = not args.plain
    E2xExchangeSubmit.personalized_outbound = False
    E2xExchangeSubmit.personalized_feedback = True
    sub = E2xExchangeSubmit()
    sub.authenticator = AllowAll()
    sub.coursedir = coursedir
    sub.assignment_dir = args.src
    own_cache = None if args.cache else tempfile.mkdtemp(prefix="e2x-cache-")
    sub.cache = args.cache or own_cache
    sub.root = args.root
    sub.add_random_string = args.random
    ts = _timestamp(args)
    os.makedirs(os.path.join(args.root, args.course, "outbound", args.assignment), exist_ok=True)
    if args.plain:
        os.makedirs(os.path.join(args.root, args.course, "inbound"), exist_ok=True)
    with patch("e2xgrader.exchange.submit.infer_e2xgrader_mode", return_value=E2xGraderMode.STUDENT_EXAM.value), patch(
        "e2xgrader.exchange.submit.get_username", return_value=args.user
    ), patch.object(E2xExchangeSubmit, "set_timestamp", lambda self: setattr(self, "timestamp", ts)), patch.object(
        E2xExchangeSubmit, "ensure_root", lambda self: None
    ), patch.object(E2xExchangeSubmit, "check_filename_diff", lambda self: None):
        try:
            hashcode, timestamp = sub.start()
        finally:
            if own_cache:
                shutil.rmtree(own_cache, ignore_errors=True)
    return {
        "hashcode": hashcode,
        "timestamp": timestamp,
        "dest": os.path.join(sub.inbound_path, sub.assignment_filename),
    }


def submit_notebook(args):
    import nbformat
    from nbformat.v4 import new_markdown_cell
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import ignore_patterns

    ts = _timestamp(args)
    src = os.path.join(args.src, args.assignment)
    nb_path = os.path.join(src, f"{args.assignment}.ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    cell = new_markdown_cell(source=f"Timestamp: {ts}")
    cell.metadata = {"name": "timestamp_cell", "editable": False, "deletable": False}
    nb.cells.append(cell)
    nbformat.write(nb, nb_path)
    digest = compute_hashcode_of_file(nb_path, method="sha1")
    hashcode = legacy_truncate(digest)
    generate_student_info_file(os.path.join(src, f"{args.user}_info.txt"), username=args.user, hashcode=hashcode, timestamp=ts)
    inbound = os.path.join(args.root, args.course, "inbound" if args.plain else os.path.join("personalized-inbound", args.user))
    dest = os.path.join(inbound, f"{args.user}+{args.assignment}+{ts}")
    os.makedirs(inbound, exist_ok=True)
    cd = CourseDirectory()
    shutil.copytree(src, dest, ignore=ignore_patterns(exclude=cd.ignore, include=cd.include, max_file_size=cd.max_file_size))
    with open(os.path.join(dest, TIMESTAMP), "w") as fh:
        fh.write(ts)
    return {"hashcode": hashcode, "timestamp": ts, "dest": dest}


def hash_many(args):
    dirs = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    start = time.perf_counter()
    results = []
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for d, r in zip(dirs, pool.map(hash_dir, dirs, chunksize=8)):
                results.append({"dir": d, "rebuilt": r["sha1sum"]["rebuilt"]})
    else:
        for d in dirs:
            results.append({"dir": d, "rebuilt": hash_dir(d)["sha1sum"]["rebuilt"]})
    return {"results": results, "seconds": time.perf_counter() - start}


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmds = parser.add_subparsers(dest="cmd", required=True)
    h = cmds.add_parser("hash")
    h.add_argument("dir")
    h.add_argument("--username")
    h.add_argument("--assignment")
    m = cmds.add_parser("hash-many")
    m.add_argument("--jobs", type=int, default=1)
    for name in ("submit", "submit-notebook"):
        s = cmds.add_parser(name)
        s.add_argument("--root", required=True)
        s.add_argument("--course", required=True)
        s.add_argument("--assignment", required=True)
        s.add_argument("--src", required=True)
        s.add_argument("--user", required=True)
        s.add_argument("--timestamp")
        s.add_argument("--plain", action="store_true")
        s.add_argument("--random", action="store_true")
        s.add_argument("--cache")
    cmds.add_parser("batch")
    return parser


def run(args):
    if args.cmd == "hash":
        return hash_dir(args.dir, args.username, args.assignment)
    if args.cmd == "hash-many":
        return hash_many(args)
    if args.cmd == "submit":
        return submit(args)
    return submit_notebook(args)


def batch(parser):
    """One command line (a JSON array of arguments) per stdin line; all results in one JSON."""
    results = []
    for line in sys.stdin:
        if not line.strip():
            continue
        argv = json.loads(line)
        try:
            results.append({"ok": run(parser.parse_args(argv))})
        except Exception as e:  # reported per command, the batch goes on
            results.append({"error": f"{type(e).__name__}: {e}"})
    return {"results": results}


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    out = batch(parser) if args.cmd == "batch" else run(args)
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return None


if __name__ == "__main__":
    main()
