#!/usr/bin/env python3
"""Runs `cookie-doctor audit` over a large input with Apache Spark (PySpark).

Each Spark task pipes its part of the input through the `cookie-doctor audit`
binary; every output line is keyed by its input ordinal, so the final output,
sorted by ordinal, is byte for byte what one `cookie-doctor audit` process
prints for the whole input (docs/audit.md, "Apache Spark").

    # audit lines (JSON Lines text files: local, hdfs://, s3a://, globs)
    spark-submit scripts/spark/audit_spark.py --binary ./cookie-doctor \
        --format jsonl --output out/ s3a://bucket/responses/*.jsonl

    # WARC files, one task per file (Common Crawl .warc.gz)
    spark-submit scripts/spark/audit_spark.py --binary ./cookie-doctor \
        --format warc --output out/ s3a://commoncrawl/crawl-data/.../file.warc.gz

JSON Lines: `textFile` → `zipWithIndex` (a global 0-based line ordinal) →
`mapPartitions` starts one `cookie-doctor audit --first-line K` per partition
(K = the partition's first ordinal + 1, so error lines keep their global line
numbers) and pairs its i-th output line with ordinal K-1+i (the binary writes
exactly one line per input line, in order). Lines are read by Hadoop as UTF-8
text: invalid UTF-8 becomes U+FFFD before the binary sees it, and a line is
ended by \\n, \\r or \\r\\n.

WARC: `binaryFiles` (one record per file, the whole file in the task's memory)
→ the bytes go to a temporary file with the same base name → `cookie-doctor
audit NAME` → output lines keyed (file index in sorted path order, i). The
`source.file` of the output is the file's base name, as in a single-process run
started in the files' directory with base names.

Output: `--output DIR` writes Spark part files (`saveAsTextFile`, in order:
part-00000 first); `--output FILE --single-file` brings the lines to the driver
in order and writes one local file (for small runs and for tests).

The binary: an absolute path present on every worker, or (cluster) ship it with
`spark-submit --files /path/to/cookie-doctor` and pass `--binary cookie-doctor`:
the task then takes it from SparkFiles.
"""
import argparse
import os
import stat
import subprocess
import sys
import tempfile
import threading


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", help="input paths or globs (any Hadoop file system)")
    p.add_argument("--format", choices=["jsonl", "warc"], required=True)
    p.add_argument("--binary", required=True, help="cookie-doctor binary (absolute path, or a name shipped with --files)")
    p.add_argument("--output", required=True, help="output directory (or file with --single-file)")
    p.add_argument("--single-file", action="store_true", help="write one local file through the driver")
    p.add_argument("--master", default=None, help="Spark master when not run by spark-submit (e.g. local[2])")
    p.add_argument("--partitions", type=int, default=None, help="minimum JSON Lines partitions")
    p.add_argument("--now", default=None, help="--now for cookie-doctor (reproducible output)")
    p.add_argument("--audit-arg", action="append", default=[], help="extra cookie-doctor audit argument (repeatable), e.g. --audit-arg=--browser=chrome")
    return p.parse_args(argv)


def resolve_binary(binary):
    """The binary's path inside a task: as given, or shipped with --files."""
    if os.path.isabs(binary) and os.path.exists(binary):
        return binary
    from pyspark import SparkFiles

    path = SparkFiles.get(os.path.basename(binary))
    if not os.path.exists(path):
        path = os.path.abspath(binary)
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def command(binary, now, extra, *args):
    cmd = [resolve_binary(binary)]
    if now is not None:
        cmd += ["--now", str(now)]
    return cmd + ["audit"] + list(args) + list(extra)


def drain(stream, sink):
    for chunk in iter(lambda: stream.read(65536), b""):
        sink.append(chunk)


def finish(proc, stderr_chunks, what):
    """Waits; exit 0 (clean), 1 (findings) and 2 (error lines) are answers."""
    rc = proc.wait()
    if rc not in (0, 1, 2):
        msg = b"".join(stderr_chunks).decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"cookie-doctor audit on {what} exited {rc}: {msg}")


def audit_lines_partition(binary, now, extra):
    def run(rows):
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        first_ordinal = first[1]
        proc = subprocess.Popen(
            command(binary, now, extra, "--first-line", str(first_ordinal + 1), "-"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        errors = []
        err_thread = threading.Thread(target=drain, args=(proc.stderr, errors), daemon=True)
        err_thread.start()
        count = [0]

        def feed():
            try:
                proc.stdin.write(first[0].encode("utf-8") + b"\n")
                count[0] += 1
                for line, _ in rows:
                    proc.stdin.write(line.encode("utf-8") + b"\n")
                    count[0] += 1
            except BrokenPipeError:
                pass
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        produced = 0
        for out in proc.stdout:
            yield (first_ordinal + produced, out.rstrip(b"\n").decode("utf-8"))
            produced += 1
        feeder.join()
        err_thread.join()
        finish(proc, errors, f"lines {first_ordinal + 1}…")
        if produced != count[0]:
            raise RuntimeError(f"cookie-doctor audit wrote {produced} lines for {count[0]} input lines")

    return run


def audit_warc_partition(binary, now, extra, order):
    def run(files):
        for path, content in files:
            index = order[path]
            with tempfile.TemporaryDirectory(prefix="cookie-doctor-warc-") as tmp:
                name = os.path.basename(path.rstrip("/"))
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(content)
                del content
                proc = subprocess.Popen(
                    command(binary, now, extra, name),
                    cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                )
                errors = []
                err_thread = threading.Thread(target=drain, args=(proc.stderr, errors), daemon=True)
                err_thread.start()
                for i, out in enumerate(proc.stdout):
                    yield ((index, i), out.rstrip(b"\n").decode("utf-8"))
                err_thread.join()
                finish(proc, errors, path)

    return run


def main(argv):
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("cookie-doctor-audit")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    try:
        inputs = ",".join(args.inputs)
        if args.format == "jsonl":
            lines = sc.textFile(inputs, minPartitions=args.partitions) if args.partitions else sc.textFile(inputs)
            keyed = lines.zipWithIndex().mapPartitions(
                audit_lines_partition(args.binary, args.now, args.audit_arg)
            )
        else:
            files = sc.binaryFiles(inputs)
            paths = sorted(files.keys().collect())
            order = {p: i for i, p in enumerate(paths)}
            keyed = files.mapPartitions(
                audit_warc_partition(args.binary, args.now, args.audit_arg, order)
            )
        ordered = keyed.sortByKey().values()
        if args.single_file:
            with open(args.output, "w", encoding="utf-8", newline="\n") as f:
                for line in ordered.toLocalIterator():
                    f.write(line)
                    f.write("\n")
        else:
            ordered.saveAsTextFile(args.output)
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
