# The CPython worker of chocopy-gen (crates/gen/src/python.rs): runs programs sent
# on stdin, one at a time, and answers with one JSON line each.
#
# Request: a line "<byte length> <time limit in seconds>", then the program text.
# Answer: {"out": stdout text, "status": "ok" | "error" | "reject" | "unexpected",
#          "detail": ...}
# - "error": a ChocoPy runtime error (detail: its exit code), mapped from the CPython
#   exception as the reference implementation reports it (design notes: 1 invalid
#   argument, 2 division by zero, 3 index out of bounds, 4 operation on None);
# - "reject": the program left what the generator can promise (32-bit integers,
#   sizes, time, recursion depth): it is discarded, not a compiler bug;
# - "unexpected": any other exception (a generator or printer bug).
# The checked programs of the generator call _ci (integer results) and _cl (sizes).
import io, json, signal, sys

class Reject(Exception):
    pass

class Timeout(BaseException):
    pass

def _ci(v):
    if -2147483648 <= v <= 2147483647:
        return v
    raise Reject("integer overflow")

def _cl(v):
    if len(v) <= 100000:
        return v
    raise Reject("too long")

def on_alarm(signum, frame):
    raise Timeout()

signal.signal(signal.SIGALRM, on_alarm)
sys.setrecursionlimit(4000)

def classify(e):
    text = str(e)
    if isinstance(e, Reject):
        return "reject", text
    if isinstance(e, Timeout):
        return "reject", "time limit"
    if isinstance(e, RecursionError):
        return "reject", "recursion depth"
    if isinstance(e, MemoryError):
        return "reject", "memory"
    if isinstance(e, ZeroDivisionError):
        return "error", 2
    if isinstance(e, IndexError):
        return "error", 3
    if isinstance(e, AttributeError) and "NoneType" in text:
        return "error", 4
    if isinstance(e, TypeError) and "NoneType" in text:
        return "error", 1 if "has no len()" in text else 4
    return "unexpected", type(e).__name__ + ": " + text

stdin = sys.stdin.buffer
real_stdout = sys.stdout
while True:
    header = stdin.readline()
    if not header:
        break
    size, limit = header.split()
    src = stdin.read(int(size)).decode("utf-8")
    out = io.StringIO()
    env = {"__name__": "__main__", "_ci": _ci, "_cl": _cl}
    sys.stdout = out
    status, detail = "ok", 0
    try:
        signal.setitimer(signal.ITIMER_REAL, float(limit))
        try:
            exec(compile(src, "<generated>", "exec"), env)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException as e:
        status, detail = classify(e)
    finally:
        sys.stdout = real_stdout
    env.clear()
    real_stdout.write(json.dumps({"out": out.getvalue(), "status": status, "detail": detail}) + "\n")
    real_stdout.flush()
