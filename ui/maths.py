"""Maths in Markdown, made readable without a TeX engine: `$…$` (inline) and `$$…$$`
(display) are found outside code and turned into Unicode text — Greek letters,
operators, super- and subscripts, `\\frac`, `\\sqrt`, accents, blackboard letters.

A light renderer on purpose (no fonts, no images, nothing loaded at start-up): what it
cannot draw it leaves as typed, so nothing a person wrote is lost. Dollar signs follow
pandoc's rule, so prices are not maths: an opening `$` has a non-space on its right, a
closing `$` a non-space on its left and no digit after it; `\\$` is a dollar.

Pure functions; no Qt; any thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOLS = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # operators and relations
    "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "div": "÷", "ast": "∗", "circ": "∘",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝", "ll": "≪", "gg": "≫",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "iff": "⇔", "implies": "⇒", "mapsto": "↦",
    "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "emptyset": "∅",
    "varnothing": "∅", "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "land": "∧",
    "wedge": "∧", "lor": "∨", "vee": "∨", "oplus": "⊕", "otimes": "⊗", "perp": "⊥",
    "parallel": "∥", "angle": "∠", "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑",
    "prod": "∏", "int": "∫", "iint": "∬", "oint": "∮", "ldots": "…", "cdots": "⋯",
    "dots": "…", "vdots": "⋮", "ddots": "⋱", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊",
    "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "prime": "′", "degree": "°", "hbar": "ℏ",
    "ell": "ℓ", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "top": "⊤", "star": "⋆",
    "{": "{", "}": "}", "%": "%", "&": "&", "_": "_", "#": "#", "$": "$",
    # spacing
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "\u2003", "qquad": "\u2003\u2003",
}  # fmt: skip
FUNCTIONS = frozenset({"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
                       "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "lim", "limsup",
                       "liminf", "max", "min", "sup", "inf", "det", "dim", "ker", "deg", "gcd",
                       "arg", "Pr", "mod", "rank", "tr"})  # fmt: skip
TEXT_COMMANDS = frozenset({"text", "mathrm", "textrm", "operatorname", "mathit", "textit", "mathbf",
                           "textbf", "boldsymbol", "mathsf", "mathtt", "mbox"})  # fmt: skip
ACCENTS = {"vec": "\u20d7", "hat": "\u0302", "widehat": "\u0302", "bar": "\u0304",
           "overline": "\u0305", "dot": "\u0307", "ddot": "\u0308", "tilde": "\u0303",
           "widetilde": "\u0303"}  # fmt: skip
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼", "1": "𝟙"}
IGNORED = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits",
                     "nolimits"})  # fmt: skip
MATRIX_BRACKETS = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "vmatrix": ("|", "|"),
                   "Bmatrix": ("{", "}"), "cases": ("{ ", "")}  # fmt: skip
SUPERSCRIPT = dict(zip("0123456789+-=()niaeoxhklmpst", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣʰᵏˡᵐᵖˢᵗ", strict=True))
SUBSCRIPT = dict(zip("0123456789+-=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", strict=True))
SUPERSCRIPT["′"] = "′"

Token = tuple[str | None, str | None, str | None, str | None]  # (command, special, space, char)
Tokens = list[Token]
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_&])|(\s+)|(.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Maths:
    """One maths span found in a text: where it is, what was typed, and whether it is a
    display (`$$…$$`, its own paragraph)."""

    start: int
    end: int
    source: str
    display: bool


def to_unicode(source: str) -> str:
    """A TeX maths expression as Unicode text (commands it does not know kept as typed)."""
    tokens: Tokens = [(m.group(1), m.group(2), m.group(3), m.group(4)) for m in _TOKEN.finditer(source)]
    text, _ = _render(tokens, 0, stop=None)
    return re.sub(r" {2,}", " ", text).strip()


def _render(tokens: Tokens, at: int, *, stop: str | None) -> tuple[str, int]:
    out: list[str] = []
    while at < len(tokens):
        special = tokens[at][1]
        if special == stop and stop is not None:
            return "".join(out), at + 1
        piece, at = _one(tokens, at)
        out.append(piece)
    return "".join(out), at


def _group(tokens: Tokens, at: int) -> tuple[str, int, bool]:
    """The next argument: a `{…}` group or one token. Returns (text, next, was a group)."""
    while at < len(tokens) and tokens[at][2] is not None:
        at += 1
    if at >= len(tokens):
        return "", at, False
    if tokens[at][1] == "{":
        text, at = _render(tokens, at + 1, stop="}")
        return text, at, True
    text, at = _one(tokens, at)
    return text, at, False


def _one(tokens: Tokens, at: int) -> tuple[str, int]:
    command, special, space, char = tokens[at]
    at += 1
    if space is not None:
        return " ", at
    if char is not None:
        return char, at
    if special in ("^", "_"):
        argument, at, _ = _group(tokens, at)
        return _script(argument, SUPERSCRIPT if special == "^" else SUBSCRIPT, special), at
    if special == "{":
        return _render(tokens, at, stop="}")
    if special == "&":
        return "\u2003", at
    if special == "}":
        return "", at  # an unmatched brace: dropped, as TeX would complain about it
    assert command is not None
    return _command(command, tokens, at)


def _command(name: str, tokens: Tokens, at: int) -> tuple[str, int]:
    if name in SYMBOLS:
        return SYMBOLS[name], at
    if name in FUNCTIONS:
        glued = at < len(tokens) and (tokens[at][1] in ("^", "_") or tokens[at][3] in ("(", "["))
        return name if glued else name + " ", at
    if name == "\\":
        return "; ", at
    if name in ("begin", "end"):
        environment, at, _ = _group(tokens, at)
        brackets = MATRIX_BRACKETS.get(environment.rstrip("*"), ("", ""))
        return brackets[0] if name == "begin" else brackets[1], at
    if name in IGNORED:
        return "", at
    if name in TEXT_COMMANDS:
        text, at, _ = _group(tokens, at)
        return text, at
    if name == "mathbb":
        text, at, _ = _group(tokens, at)
        return "".join(BLACKBOARD.get(letter, letter) for letter in text), at
    if name in ACCENTS:
        text, at, _ = _group(tokens, at)
        return (text + ACCENTS[name]) if len(text) == 1 else f"{text}{ACCENTS[name]}", at
    if name in ("frac", "dfrac", "tfrac"):
        top, at, _ = _group(tokens, at)
        bottom, at, _ = _group(tokens, at)
        return f"{_bracketed(top)}/{_bracketed(bottom)}", at
    if name == "sqrt":
        index = ""
        if at < len(tokens) and tokens[at][3] == "[":
            closing = next((i for i in range(at, len(tokens)) if tokens[i][3] == "]"), None)
            if closing is not None:
                index, _ = _render(tokens[at + 1 : closing], 0, stop=None)
                at = closing + 1
        body, at, _ = _group(tokens, at)
        root = {"": "√", "3": "∛", "4": "∜"}.get(index) or _script(index, SUPERSCRIPT, "^") + "√"
        return root + (body if len(body) == 1 else f"({body})"), at
    typed = "\\" + name  # unknown: as typed, with its arguments' braces
    while at < len(tokens) and tokens[at][1] == "{":
        argument, at = _render(tokens, at + 1, stop="}")
        typed += "{" + argument + "}"
    return typed, at


def _bracketed(text: str) -> str:
    return text if len(text) == 1 or text.isalnum() else f"({text})"


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if text and all(letter in table for letter in text):
        return "".join(table[letter] for letter in text)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


_CODE = re.compile(r"(^|\n)(```|~~~).*?(\n\2[^\n]*(?=\n|$)|$)|`+[^`]*?`+", re.DOTALL)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?=[^\s$])((?:\\.|[^$\\\n])*?)(?<=[^\s\\])\$(?![$\d])")


def find_maths(text: str) -> list[Maths]:
    """The maths spans of a Markdown text, in order, none inside code."""
    code = [(m.start(), m.end()) for m in _CODE.finditer(text)]

    def in_code(start: int) -> bool:
        return any(low <= start < high for low, high in code)

    found: list[Maths] = []
    taken: list[tuple[int, int]] = []
    for match in _DISPLAY.finditer(text):
        if not in_code(match.start()):
            found.append(Maths(match.start(), match.end(), match.group(1).strip(), True))
            taken.append((match.start(), match.end()))
    for match in _INLINE.finditer(text):
        if in_code(match.start()) or any(low <= match.start() < high for low, high in taken):
            continue
        found.append(Maths(match.start(), match.end(), match.group(1), False))
    return sorted(found, key=lambda maths: maths.start)
