# Keeps the globals of a wasmsandbox session (auto_persist_globals) from one
# execution to the next. The bootstrap runs this file in a namespace of its
# own, with STAGE (the directory the host mounted for the state) and LIMIT
# (the most bytes of state kept) defined, then calls restore(main) before
# the user's code and save(main) after it, also when the code raised or
# called sys.exit.
#
# Each global is pickled on its own, so one that cannot be restored (say
# its module is gone) never costs the others; objects shared between two
# globals come back as two copies. Not kept, and named on stderr and in the
# result: modules, functions and classes defined by the session's code
# (they pickle by name, and the name would not exist next time), instances
# of such classes, lambdas, open files and anything else pickle refuses.
import sys, pickle, types

_FORMAT = "wasmsandbox-globals/1"
_unrestored = []  # names of saved globals that could not be restored


def _note(msg):
    try:
        err = sys.__stderr__ or sys.stderr
        err.write("wasmsandbox: " + msg + "\n")
        err.flush()
    except Exception:
        pass


def _kind(v):
    if isinstance(v, types.ModuleType):
        return "module"
    if isinstance(v, types.FunctionType):
        return "lambda" if v.__name__ == "<lambda>" else "function"
    if isinstance(v, type):
        return "class"
    return type(v).__name__


class _Pickler(pickle.Pickler):
    # Functions, classes and instances of classes from __main__ would
    # pickle by reference to names that do not exist in the next
    # execution, so they are refused here rather than failing there.
    def reducer_override(self, obj):
        if isinstance(obj, (type, types.FunctionType)):
            owner = getattr(obj, "__module__", None)
        else:
            owner = getattr(type(obj), "__module__", None)
        if owner == "__main__":
            raise pickle.PicklingError("defined by the session's code")
        return NotImplemented


def _dumps(value):
    import io
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buf.getvalue()


def _size(n):
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "bytes" else ("%.1f %s" % (n, unit))
        n /= 1024


def restore(main):
    try:
        with open(STAGE + "/in", "rb") as f:
            blob = f.read()
    except FileNotFoundError:
        return
    except Exception as e:
        _note("saved globals could not be read (%s); starting without them" % (e,))
        return
    try:
        state = pickle.loads(blob)
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            raise ValueError("unknown format")
        saved = state["globals"]
    except Exception as e:
        _note("saved globals could not be read (%s: %s); starting without them" % (type(e).__name__, e))
        return
    del blob, state
    failed = []
    for name, data in saved.items():
        try:
            main[name] = pickle.loads(data)
        except Exception as e:
            _unrestored.append(name)
            failed.append("%s (%s: %s)" % (name, type(e).__name__, e))
    if failed:
        _note("not restored: " + ", ".join(failed))


def save(main):
    try:
        _save(main)
    except BaseException as e:
        _note("globals not persisted (%s: %s); the previous ones are kept" % (type(e).__name__, e))


def _save(main):
    kept, skipped, sizes, total = {}, [], [], 0
    for name, value in list(main.items()):
        if name.startswith("__") and name.endswith("__"):
            continue
        if isinstance(value, types.ModuleType):
            skipped.append((name, "module"))
            continue
        try:
            data = _dumps(value)
        except RecursionError:
            skipped.append((name, _kind(value) + ", too deeply nested"))
            continue
        except Exception:
            skipped.append((name, _kind(value)))
            continue
        total += len(data)
        sizes.append((len(data), name))
        if total <= LIMIT:
            kept[name] = data
    names = [n for n, _ in skipped] + [n for n in _unrestored if n not in main]
    blob = None
    if total <= LIMIT:
        blob = pickle.dumps({"format": _FORMAT, "globals": kept}, protocol=pickle.HIGHEST_PROTOCOL)
    if blob is None or len(blob) > LIMIT:
        sizes.sort(reverse=True)
        biggest = ", ".join("%s (%s)" % (n, _size(s)) for s, n in sizes[:3])
        _note("globals not persisted: they take %s, over the session's limit of %s; the previous ones are kept (largest: %s)"
              % (_size(max(total, len(blob or b""))), _size(LIMIT), biggest))
        names += [n for _, n in sizes]
        _report(False, 0, names)
        return
    with open(STAGE + "/out", "wb") as f:
        f.write(blob)
    if skipped:
        _note("not persisted: " + ", ".join("%s (%s)" % s for s in skipped))
    _report(True, len(blob), names)


def _report(saved, size, names):
    import json
    with open(STAGE + "/report.json", "w") as f:
        json.dump({"saved": saved, "bytes": size, "not_kept": names}, f)
