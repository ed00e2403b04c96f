"""Read what the student's objects say about themselves, within a bound of time and length (in the child).

An exception's text, a value's type name, a SystemExit's code: each is the student's code
running (`__str__`, `__repr__`, a metaclass's `__name__`), which may raise, loop forever or
return megabytes. `text(value)` answers within READ_S seconds and MAX_CHARS characters,
or says why it could not; it never raises. The time bound is a SIGALRM timer
(signal.setitimer) in the main thread, where the child runs the student's code; the
previous handler and timer are put back. Where there is no such timer (Windows), a
watchdog thread raises the same exception into the main thread instead (CPython's
PyThreadState_SetAsyncExc); both reach the student's code between two bytecodes, so a
bound holds as well either way. In another thread only the length is bounded.
"""
import ctypes
import signal
import threading

READ_S = 1.0
RETRY_S = 0.1       # the alarm repeats until the student's code lets it through
MAX_CHARS = 600
MAX_NAME = 100
MAX_CODE = 300  # a line of code shown in a message


class Overran(BaseException):
    """Raised into student code that runs past its bound (a BaseException: `except Exception` lets it pass)."""


def within(seconds, function, *args):
    """`function(*args)`, stopped with Overran after `seconds` when called in the main thread.

    Whatever `function` raises propagates (Overran included); the alarm is always cleared
    and the previous SIGALRM handler and timer restored.
    """
    if threading.current_thread() is not threading.main_thread():
        return function(*args)
    if not hasattr(signal, "setitimer"):
        return _within_watched(seconds, function, *args)
    done = [False]

    def stop(signum, frame):
        if not done[0]:
            raise Overran()

    previous = signal.signal(signal.SIGALRM, stop)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds, RETRY_S)
    try:
        return function(*args)
    finally:
        while True:  # an alarm that arrives while cleaning up is caught here, and cleaning up starts again
            try:
                done[0] = True
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                if old_timer[0] > 0:
                    signal.setitimer(signal.ITIMER_REAL, *old_timer)
                break
            except Overran:
                continue


def _within_watched(seconds, function, *args):
    """`within` without a SIGALRM timer: a watchdog thread raises Overran into this thread after `seconds`,
    again every RETRY_S until `function` lets it through; none is raised, or left pending, once it returned."""
    target = ctypes.c_ulong(threading.get_ident())
    done = threading.Event()
    lock = threading.Lock()

    def watch():
        if done.wait(seconds):
            return
        while True:
            with lock:
                if done.is_set():
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(Overran))
            if done.wait(RETRY_S):
                return

    threading.Thread(target=watch, daemon=True, name="bounded-watchdog").start()
    try:
        return function(*args)
    finally:
        while True:  # as in `within`: one that arrives while cleaning up is caught, and cleaning up starts again
            try:
                with lock:
                    done.set()
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)  # one raised but not yet delivered
                break
            except Overran:
                continue


def exact(text, limit=MAX_CHARS):
    """A str subclass as a plain str (its own methods never called), cut to `limit` characters with ' ...'."""
    if str.__len__(text) > limit:
        return str.__getitem__(text, slice(0, limit)).rstrip() + " ..."
    return str.__getitem__(text, slice(None))


def text(value, read=str, seconds=READ_S, limit=MAX_CHARS):
    """(`read(value)` as a plain str of at most `limit` characters, None), or (None, why it could not be read).

    `why` is plain words: "str() raised ValueError", "str() did not finish within 1 s",
    "str() returned an int, not a string".
    """
    how = f"{getattr(read, '__name__', 'str')}()"
    try:
        result = within(seconds, read, value)
    except Overran:
        return None, f"{how} did not finish within {seconds:g} s"
    except BaseException as error:  # noqa: B036 -- whatever the student's method raises is only reported
        return None, f"{how} raised {type_name(error)}"
    if not issubclass(type(result), str):  # str() and repr() refuse non-strings themselves; `read` may not
        return None, f"{how} returned {type_name(result)}, not a string"
    return exact(result, limit), None


def type_name(value):
    """The name of `value`'s class, read past any metaclass, cut to MAX_NAME characters."""
    try:
        name = type.__dict__["__name__"].__get__(type(value))
    except BaseException:  # noqa: B036 -- cannot happen for a real class; never let it out
        return "object"
    return exact(name, MAX_NAME)
