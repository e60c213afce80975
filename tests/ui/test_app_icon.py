"""The app's own icon: its committed sizes are what the SVG renders to, the Windows and
macOS containers hold every size (read back with Qt's own readers), and the desktop
client's windows carry it (`ui.app_icon`, installed by `ui.launcher.run_desktop`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QImage, QImageReader
from pytestqt.qtbot import QtBot

from p2p.memory import MemoryHub
from tests.ui.conftest import FAST, WAIT_MS
from tests.ui.test_startup import make_home
from ui import app_icon
from ui.launcher import Launch, run_desktop
from ui.main_window import MainWindow
from ui.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "resources"))
import render_icons  # noqa: E402  (resources/render_icons.py: a script, not a package module)

ICONS = ROOT / "resources" / "icons"


def test_each_committed_png_is_its_size_transparent_around_and_drawn_in_the_middle() -> None:
    assert app_icon.SIZES == render_icons.SIZES
    for size in render_icons.SIZES:
        image = QImage(str(ICONS / render_icons.png_name(size)))
        assert (image.width(), image.height()) == (size, size), size
        assert image.hasAlphaChannel()
        assert image.pixelColor(0, 0).alpha() == 0, f"{size} px: a corner should be transparent"
        middle = image.pixelColor(size // 2, size // 2)
        assert middle.alpha() == 255, f"{size} px: the middle should be drawn"


def test_the_committed_pngs_are_what_the_svg_renders_today(qapp, tmp_path: Path) -> None:
    """`make icons` was run after the SVG's last change (else: run it and commit). With
    pytest-qt's QApplication up, so that render_all makes no QGuiApplication of its own."""
    render_icons.render_all(tmp_path)
    for size in render_icons.SIZES:
        argb = QImage.Format.Format_ARGB32
        fresh = QImage(str(tmp_path / render_icons.png_name(size))).convertToFormat(argb)
        kept = QImage(str(ICONS / render_icons.png_name(size))).convertToFormat(argb)
        assert _nearly_equal(fresh, kept), f"studycircle-{size}.png is not the SVG drawn: run `make icons`"


def _nearly_equal(a: QImage, b: QImage) -> bool:
    """Equal but for antialiasing: another Qt version may shade edge pixels a little
    differently; a changed drawing moves far more than 0.5 % of the bytes by more than 16."""
    if a.size() != b.size():
        return False
    left, right = bytes(a.constBits()), bytes(b.constBits())
    off = sum(1 for x, y in zip(left, right, strict=True) if abs(x - y) > 16)
    return off <= len(left) // 200


def _sizes_in(path: Path, format_: bytes) -> list[int]:
    reader = QImageReader(str(path))
    assert bytes(reader.format().data()) == format_
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), f"{path.name}: entry {index} does not decode"
        assert image.width() == image.height()
        sizes.append(image.width())
    return sizes


def test_the_ico_holds_16_to_256_and_the_icns_16_to_512_with_the_retina_variants() -> None:
    assert _sizes_in(ICONS / "studycircle.ico", b"ico") == [16, 24, 32, 48, 64, 128, 256]
    icns = _sizes_in(ICONS / "studycircle.icns", b"icns")
    assert sorted(set(icns)) == [16, 32, 64, 128, 256, 512]
    assert len(icns) == len(render_icons.ICNS_TYPES)


def test_the_containers_are_built_from_the_given_pngs_entry_by_entry() -> None:
    pngs = {16: b"\x89PNG-a", 256: b"\x89PNG-bb"}
    ico = render_icons.ico_bytes(pngs)
    assert ico[:6] == b"\x00\x00\x01\x00\x02\x00"  # reserved, icon, two entries
    assert ico[6] == 16 and ico[22] == 0  # the 256 px entry says 0
    assert ico.endswith(b"\x89PNG-a\x89PNG-bb")
    icns = render_icons.icns_bytes({16: b"a", 32: b"b", 64: b"c", 128: b"d", 256: b"e", 512: b"f"})
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
    assert icns[8:12] == b"icp4" and int.from_bytes(icns[12:16], "big") == 9 and icns[16:17] == b"a"


def test_the_client_s_window_and_the_application_carry_the_icon_in_every_size(
    qtbot: QtBot, tmp_path: Path
) -> None:
    make_home(tmp_path / "ana", notes=1)
    windows: list[MainWindow] = []
    launch = Launch(
        home=tmp_path / "ana",
        network_for=lambda demo: MemoryHub(),
        settings=QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat),
        sync_settings=FAST,
        local_only=True,
        verify_workers=0,
        on_window=windows.append,
    )
    runtime = Runtime()
    runtime.start(lambda rt: run_desktop(rt, launch))
    try:
        qtbot.waitUntil(lambda: bool(windows) and windows[0].isVisible(), timeout=WAIT_MS)
        window = windows[0]
        icon = window.windowIcon()
        assert not icon.isNull()
        assert sorted(size.width() for size in icon.availableSizes()) == list(app_icon.SIZES)
        assert not QGuiApplication.windowIcon().isNull()
        assert icon.pixmap(32, 32).size().width() == 32  # the files read when drawn
        qtbot.waitUntil(lambda: window.session.core is not None, timeout=WAIT_MS)
        with qtbot.waitSignal(runtime.finished, timeout=WAIT_MS):
            window.close()
    finally:
        if runtime.running:
            with qtbot.waitSignal(runtime.finished, timeout=WAIT_MS):
                runtime.stop()
    assert runtime.error is None


def test_a_tree_without_the_pngs_gets_an_empty_icon_not_an_error(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_icon, "icons_dir", lambda: tmp_path)
    assert app_icon.app_icon().isNull()


def test_the_up_to_date_check_tells_a_changed_drawing_from_antialiasing(qapp, tmp_path: Path) -> None:
    svg = (ICONS / "studycircle.svg").read_text()
    moved = tmp_path / "moved.svg"
    moved.write_text(svg.replace('cx="256" cy="92" r="40"', 'cx="256" cy="92" r="20"'))  # a smaller head
    argb = QImage.Format.Format_ARGB32
    kept = QImage(str(ICONS / "studycircle-128.png")).convertToFormat(argb)
    changed = QImage.fromData(render_icons.render_png(moved, 128)).convertToFormat(argb)
    same = QImage.fromData(render_icons.render_png(ICONS / "studycircle.svg", 128)).convertToFormat(argb)
    assert not _nearly_equal(changed, kept)
    assert _nearly_equal(same, kept)
