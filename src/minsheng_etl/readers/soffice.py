"""LibreOffice, headless, as a converter: Word 97 binary (.doc, WPS's .wps) to
.docx, which the docx reader then reads like any other.

Each conversion is its own soffice process tree, started from the parser (so it
inherits the worker's address-space cap), in a temporary folder that holds the
input, the output and a private user profile (two conversions never share an
instance or a lock, and the user's own LibreOffice settings are neither read nor
touched). That profile switches off macros and the updating of linked content
(linked images, DDE/OLE links), and where the system allows it the process runs
in a network namespace of its own, with no interface but a loopback that is
down: a hostile document cannot reach out. The whole process group is killed
when the conversion ends, fails, times out or the parse is stopped, and
coreutils' timeout kills it on its own should the parser die first.
"""
from __future__ import annotations

import functools
import math
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .. import limits as file_limits
from ..errors import ReadError, ToolMissing

INSTALL = "apt-get install libreoffice-writer-nogui (Debian/Ubuntu; any LibreOffice with `soffice` on PATH will do)"

# Written into the private profile before LibreOffice starts: no macros, no link
# updates (Writer: 0 = never), no links followed from an untrusted document.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def _isolating_prefix() -> tuple[str, ...]:
    """`unshare -rn` (a user and network namespace) where the kernel lets this user
    make one; else nothing (the profile's link settings still hold)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return (unshare, "-rn") if probe.returncode == 0 else ()


def convert(data: bytes, what: str, source_suffix: str, target: str) -> bytes:
    """The bytes of `data` converted by LibreOffice to `target` (a suffix such as
    "docx"). `what` names the input for messages ("a Word 97 document (.doc/.wps)")."""
    program = soffice()
    if program is None:
        raise ToolMissing(f"{what}: reading it needs LibreOffice (soffice), which is not installed: {INSTALL}")
    seconds = file_limits.current().max_seconds
    with tempfile.TemporaryDirectory(prefix="minsheng-soffice-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        source = work / f"input{source_suffix}"  # the suffix picks LibreOffice's import filter
        source.write_bytes(data)
        out = work / "out"
        # coreutils' timeout as a second clock: it kills the whole group even if this
        # process is killed first (a worker stopped past its time gets no `finally`)
        watchdog = ("timeout", "-s", "KILL", f"{math.ceil(seconds) + 5}") if shutil.which("timeout") else ()
        command = [*watchdog, *_isolating_prefix(), program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", target, "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        env.pop("DISPLAY", None)
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, env=env, cwd=work, start_new_session=True)
        except OSError as exc:
            raise ToolMissing(f"{what}: LibreOffice ({program}) could not be started: {exc}") from exc
        try:
            output, _ = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise file_limits.LimitExceeded(f"LibreOffice {file_limits.time_message(seconds)}") from None
        finally:  # also on the parse's own time limit (a signal) or any error: no soffice outlives it
            _kill_group(process)
        results = list(out.glob(f"*.{target}")) if out.is_dir() else []
        if process.returncode != 0 or not results:
            said = " ".join(output.decode("utf-8", "replace").split())[-300:]
            raise ReadError(f"{what} that LibreOffice could not convert (exit {process.returncode}"
                            f"{': ' + said if said else ''})")
        return results[0].read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
