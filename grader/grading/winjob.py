"""Windows Job Objects: a memory limit and kill-on-close for one grading job's process tree.

Windows has no process groups that outlive their leader and no rlimits; a Job Object does
both jobs: every process the job process starts belongs to it too (unless it asks to break
away, which the job does not allow), `terminate()` ends them all at once, and closing the
object's last handle ends them as well (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so nothing is
left running even if the grader itself is killed. The memory limit makes an allocation past
it fail in the job (a MemoryError), as RLIMIT_DATA does on Linux.

Only ctypes and kernel32 are used; on any other platform `available()` is False and nothing
here touches the system.
"""
import ctypes
import os

JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
DWORD = ctypes.c_uint32
HANDLE = ctypes.c_void_p


class BasicLimits(ctypes.Structure):
    """JOBOBJECT_BASIC_LIMIT_INFORMATION."""

    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", DWORD),
                ("Affinity", ctypes.c_size_t), ("PriorityClass", DWORD), ("SchedulingClass", DWORD)]


class IoCounters(ctypes.Structure):
    """IO_COUNTERS."""

    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class ExtendedLimits(ctypes.Structure):
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION (144 bytes on 64-bit Windows)."""

    _fields_ = [("BasicLimitInformation", BasicLimits), ("IoInfo", IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


def available():
    """Whether Job Objects exist here (native Windows)."""
    return os.name == "nt"


def _kernel32():
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateJobObjectW.restype = HANDLE
    kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, ctypes.c_wchar_p]
    kernel32.AssignProcessToJobObject.argtypes = [HANDLE, HANDLE]
    kernel32.SetInformationJobObject.argtypes = [HANDLE, ctypes.c_int, ctypes.c_void_p, DWORD]
    kernel32.TerminateJobObject.argtypes = [HANDLE, ctypes.c_uint]
    kernel32.CloseHandle.argtypes = [HANDLE]
    return kernel32


class JobObject:
    """One Job Object holding one job process and everything it starts (Windows only)."""

    def __init__(self, process_handle):
        """Create the object, with kill-on-close, and put the process (a Popen's `_handle`) in it.

        Raises:
            OSError: Windows refused (the message says why).
        """
        self._kernel32 = _kernel32()
        self.handle = self._kernel32.CreateJobObjectW(None, None)
        if not self.handle:
            raise ctypes.WinError(ctypes.get_last_error())
        self._set(memory_mb=None)
        if not self._kernel32.AssignProcessToJobObject(self.handle, HANDLE(int(process_handle))):
            error = ctypes.WinError(ctypes.get_last_error())
            self.close()
            raise error

    def _set(self, memory_mb):
        limits = ExtendedLimits()
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        if memory_mb:
            limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY
            limits.ProcessMemoryLimit = int(memory_mb) * 1024 * 1024
        if not self._kernel32.SetInformationJobObject(self.handle, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                                      ctypes.byref(limits), ctypes.sizeof(limits)):
            raise ctypes.WinError(ctypes.get_last_error())

    def limit_memory(self, memory_mb):
        """Cap the committed memory of each process in the object at `memory_mb` MiB."""
        self._set(memory_mb)

    def terminate(self):
        """End every process in the object."""
        if self.handle:
            self._kernel32.TerminateJobObject(self.handle, 1)

    def close(self):
        """Close the object: whatever is still in it ends (kill-on-close)."""
        if self.handle:
            self._kernel32.CloseHandle(self.handle)
            self.handle = None
