"""Render the app icon's sizes from its SVG source: `make icons` (or
`python resources/render_icons.py [OUT_DIR]`).

Owns turning `resources/icons/studycircle.svg` into what each platform wants:

- `studycircle-N.png` for N in `SIZES` (Linux's hicolor theme, the window icon, the
  AppStream icon), each rendered by Qt's SVG renderer at that size, not scaled down;
- `studycircle.ico` (Windows: 16 to 256, PNG-compressed entries);
- `studycircle.icns` (macOS: 16 to 512 and the @2x variants, PNG-compressed entries).

Qt draws and encodes every image; the two containers are written here because Qt's
ICO and ICNS writers store one image per file, and a Windows or macOS icon needs the
sizes side by side. Both formats are a short header and a table of entries, each entry
a whole PNG file (Windows Vista and later, macOS 10.7 and later read these). The tests
read them back with Qt's own ICO and ICNS readers (tests/ui/test_app_icon.py).

Run offscreen; needs PySide6 (QtGui, QtSvg) only.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ICONS = HERE / "icons"
SOURCE = ICONS / "studycircle.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an ICO entry can say
# ICNS entry types holding PNG data: (type, pixel size); the @2x types reuse a size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),  # 16 pt @2x
    (b"ic12", 64),  # 32 pt @2x
    (b"ic13", 256),  # 128 pt @2x
    (b"ic14", 512),  # 256 pt @2x
)


def png_name(size: int) -> str:
    return f"studycircle-{size}.png"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn at `size`×`size` pixels (transparent around it), as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG"):
        raise SystemExit(f"Qt could not encode the {size} px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon holding the given PNGs (ICONDIR, ICONDIRENTRYs, then the data)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon family: 'icns', the total length, then (type, length, PNG) entries."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_all(out: Path, svg: Path = SOURCE) -> list[Path]:
    """Write every PNG size, the .ico and the .icns into `out`; the paths written."""
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QImage/QPainter want one
    out.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(svg, size) for size in SIZES}
    written = []
    for size, png in pngs.items():
        path = out / png_name(size)
        path.write_bytes(png)
        written.append(path)
    for path, data in (
        (out / "studycircle.ico", ico_bytes({size: pngs[size] for size in ICO_SIZES})),
        (out / "studycircle.icns", icns_bytes(pngs)),
    ):
        path.write_bytes(data)
        written.append(path)
    del _app
    return written


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(argv[0]) if argv else ICONS
    for path in render_all(out):
        print(f"{path.stat().st_size:>8,} B  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
