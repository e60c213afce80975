"""packaging/: the Linux .desktop file and AppStream metainfo say what desktops and
software centres require, agree with each other and with the app, and the specs' shared
lists agree with the code (Qt modules used, version). Fast; in the default run.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
sys.path.insert(0, str(ROOT / "packaging"))
import spec_common  # noqa: E402  (packaging/ is a folder of specs, not a package)

from ui.__main__ import DESKTOP_ID  # noqa: E402

APP_ID = "org.studycircle.StudyCircle"


def _metainfo() -> ET.Element:
    return ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()


def _desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def _version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_one_id_everywhere() -> None:
    assert spec_common.APP_ID == DESKTOP_ID == APP_ID
    assert (LINUX / f"{APP_ID}.desktop").exists() and (LINUX / f"{APP_ID}.metainfo.xml").exists()


def test_the_metainfo_has_what_appstream_requires_of_a_desktop_application() -> None:
    root = _metainfo()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    for tag in ("id", "name", "summary", "description", "launchable", "releases", "content_rating",
                "metadata_license", "project_license"):
        assert root.find(tag) is not None, f"<{tag}> missing"
    assert root.findtext("id") == APP_ID
    assert root.findtext("project_license") == "MIT"  # = pyproject.toml's license
    summary = root.findtext("summary") or ""
    assert 0 < len(summary) <= 80 and not summary.endswith(".")
    paragraphs = root.findall("description/p")
    assert paragraphs and all((p.text or "").strip() for p in paragraphs)
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == f"{APP_ID}.desktop"
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == _version()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date") or "")
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type", "").startswith("oars-")
    assert root.findtext("provides/binary") == spec_common.EXECUTABLE


def test_the_desktop_file_has_the_keys_a_launcher_needs() -> None:
    entry = _desktop()
    assert entry["Type"] == "Application"
    assert entry["Name"] == spec_common.NAME
    assert entry["Exec"].split()[0] == spec_common.EXECUTABLE
    assert entry["Icon"] == APP_ID  # the hicolor icons the Linux spec installs under this name
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"].split(";")
    assert entry["Comment"] and entry["StartupWMClass"] == spec_common.NAME


def test_appstreamcli_validates_the_metainfo_where_it_is_installed() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed")
    done = subprocess.run(
        [tool, "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_specs_leave_out_no_qt_module_the_code_imports_and_keep_every_one_it_does() -> None:
    used = set()
    for folder in ("app", "ui", "sync", "p2p"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert used == set(spec_common.QT_USED)
    assert not used & set(spec_common.QT_UNUSED)


def test_the_specs_version_is_the_project_s() -> None:
    assert _version() == spec_common.VERSION


def test_every_spec_uses_the_shared_lists() -> None:
    for spec in ("linux", "windows", "macos"):
        text = (ROOT / "packaging" / spec / "studycircle.spec").read_text()
        for name in ("common.ENTRY", "common.datas()", "common.hidden_imports()", "common.EXCLUDES"):
            assert name in text, f"{spec}: {name}"
