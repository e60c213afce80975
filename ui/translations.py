"""Which language the client speaks: `--lang zh_CN` or `--lang en`, else the system
locale's when a translation for it exists (any `zh_*` locale gets zh_CN), else English,
the language of the source strings.

`install()` loads the app's `resources/translations/studycircle_LANG.qm` and Qt's own
`qtbase_LANG.qm` (standard dialog buttons) into the QApplication; it must run before any
window is built. English loads nothing. GUI thread; QtCore only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

ENGLISH = "en"


class UnknownLanguage(ValueError):
    pass


def folder() -> Path:
    """resources/translations (importlib.resources only when a translation is wanted)."""
    from importlib.resources import files

    return Path(str(files("resources") / "translations"))


def available() -> list[str]:
    """The languages with a compiled translation, e.g. ["zh_CN"]."""
    return sorted(path.stem.removeprefix("studycircle_") for path in folder().glob("studycircle_*.qm"))


def choose(requested: str | None, system: str | None = None) -> str | None:
    """The translation to load for `--lang requested` (None: follow `system`, by default
    the system locale's name such as "zh_CN" or "en_GB"); None for English. A requested
    language without a translation raises UnknownLanguage; an untranslated system
    locale is English."""
    name = (requested or system or QLocale.system().name()).replace("-", "_")
    language = name.split("_")[0].lower()
    if language in (ENGLISH, "c", "posix", ""):
        return None
    known = available()
    match = name if name in known else next((k for k in known if k.split("_")[0].lower() == language), None)
    if match is None and requested:
        raise UnknownLanguage(f"no translation for {requested!r}; available: {', '.join([ENGLISH, *known])}")
    return match


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load `language`'s translations into `app` (the translators are its children); the
    ones installed (for `app.removeTranslator`)."""
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name, where in ((f"studycircle_{language}", str(folder())), (f"qtbase_{language}", qt_folder)):
        translator = QTranslator(app)
        if translator.load(name, where):
            app.installTranslator(translator)
            installed.append(translator)
        elif name.startswith("studycircle_"):
            raise UnknownLanguage(f"cannot load {name}.qm from {where}")
    QLocale.setDefault(QLocale(language))  # %Ln and Qt's own formatting follow
    return installed
