"""Legacy office formats: Word 97–2003 ``.doc``, Kingsoft WPS ``.wps`` and ``.rtf``.

LibreOffice in headless mode (``soffice --headless --convert-to docx``, Debian
``libreoffice-writer-nogui``) converts the file into a temporary folder, and the converted
``.docx`` goes through the DOCX loader (paragraphs, tables, list numbering) like any Word file;
the record keeps the original format and a note says it was converted.  Each conversion runs
with its own LibreOffice profile (so parallel ingest workers and a LibreOffice the user has open
do not block each other), under a timeout, and the temporary folder is removed afterwards.

Files are sniffed first, since portals often serve other things under these names: a ``.doc``
that is really a DOCX package is read as DOCX, one that is a saved web page ("Word HTML") by
the HTML loader, neither needing LibreOffice.  Without ``soffice`` on PATH (or
``ZHENGCE_SOFFICE``) a binary ``.doc``/``.wps`` or an ``.rtf`` is refused with a one-line
reason that says what to install.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..model import RawDocument
from .base import LoadError, check_size

TIMEOUT = 180                 # seconds for one conversion
MAX_BYTES = 200 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
INSTALL = "install LibreOffice so that soffice is on PATH (Debian: apt-get install libreoffice-writer-nogui)"


def soffice() -> str | None:
    """The LibreOffice binary to use, or None."""
    named = os.environ.get("ZHENGCE_SOFFICE")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kind(head: bytes) -> str:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if h.startswith(b"{\\rtf"):
        return "rtf"
    low = h[:512].lower()
    if low.startswith((b"<html", b"<!doctype html", b"<?xml")) or b"<html" in low or low.startswith(b"mime-version"):
        return "html"
    return "other"


def convert(path: Path, fmt: str) -> RawDocument:
    """``path`` converted to DOCX by LibreOffice and read by the DOCX loader; ``format`` = ``fmt``."""
    binary = soffice()
    if not binary:
        raise LoadError(f"reading .{fmt} needs LibreOffice: {INSTALL}")
    from . import docx
    with tempfile.TemporaryDirectory(prefix="zhengce-office-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / f"in{path.suffix.lower() or '.' + fmt}"
        try:
            shutil.copyfile(path, src)   # a plain name: LibreOffice names its output after the input
        except OSError as e:
            raise LoadError(e.strerror or "cannot read") from None
        out = tmpdir / "out"
        profile = (tmpdir / "profile").as_uri()
        cmd = [binary, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault",
               f"-env:UserInstallation={profile}", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(out), str(src)]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    start_new_session=True, env=dict(os.environ, HOME=tmp))
        except OSError as e:
            raise LoadError(f"could not start LibreOffice ({e.strerror or e})") from None
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise LoadError(f"LibreOffice did not finish converting the .{fmt} file within {TIMEOUT} s") from None
        except BaseException:
            _kill(proc)
            raise
        result = out / (src.stem + ".docx")
        if not result.exists() or result.stat().st_size == 0:
            lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines()
                     if ln.strip() and "javaldx" not in ln and not ln.startswith("Warning")]
            detail = lines[0][:60] if lines else ""
            raise LoadError(f"LibreOffice could not convert it (damaged, password-protected or not a "
                            f"document{': ' + detail if detail else ''})")
        raw = docx.load(result)
    raw.source = str(path)
    raw.format = fmt
    raw.notes.insert(0, f".{fmt} converted to DOCX with LibreOffice")
    return raw


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass
    try:
        proc.wait(timeout=10)
    except Exception:
        pass


def load(path: Path) -> RawDocument:
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "doc"
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None
    if size == 0 or not head.strip(b"\0 \t\r\n"):
        raise LoadError("empty file")
    check_size(path, MAX_BYTES)       # the same one-line reason as every loader
    kind = _kind(head)
    if kind == "zip":       # a DOCX under an old name
        from . import docx
        raw = docx.load(path)
        raw.source, raw.format = str(path), "docx"
        raw.notes.insert(0, f"a DOCX file named .{fmt}")
        return raw
    if kind == "html":      # Word's "save as web page", served as .doc
        from . import html
        raw = html.load(path)
        raw.notes.insert(0, f"a saved web page named .{fmt}")
        return raw
    if kind == "other" and fmt != "rtf":
        raise LoadError(f"not a Word document (no .{fmt}, DOCX, RTF or HTML signature)")
    if kind == "other":
        raise LoadError("not an RTF file (no {\\rtf header)")
    if kind == "ole":
        _check_ole(path, fmt)
    return convert(path, "rtf" if kind == "rtf" else fmt)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _check_ole(path: Path, fmt: str) -> None:
    """An OLE compound file holds a Word document only with a ``WordDocument`` stream (Kingsoft
    WPS writes one too; Microsoft Works .wps has ``CONTENTS``); an encrypted Office file holds an
    ``EncryptedPackage``.  Anything else (an Excel .xls, a corrupt file) would be read by
    LibreOffice as text of random characters."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise LoadError("password-protected Word document")
    if _utf16("WordDocument") in data:
        return
    if fmt == "wps" and _utf16("CONTENTS") in data:
        return
    if _utf16("Workbook") in data or _utf16("Book") in data:
        raise LoadError(f"not a Word document (an Excel workbook named .{fmt})")
    if _utf16("PowerPoint Document") in data:
        raise LoadError(f"not a Word document (a PowerPoint file named .{fmt})")
    raise LoadError("damaged or not a Word document (an OLE file without a WordDocument stream)")
