"""Body schemas of the peer-coaching, survey and direct-message kinds (issue 18).

Circle kinds: `coach.profile`, `coach.offer`, `coach.decline`, `coach.suggest`,
`survey.open`, `survey.answer`, `survey.close`, and for anonymous surveys `survey.enrol`
(a blinded key), `survey.admit` (the owner's blind signatures), `survey.rekey` and
`survey.respond` (signed by a per-survey pseudonym with its token, `sync.survey_keys`).
Pair-space kinds: `pair.accept`, `pair.end` and the `cycle.*` kinds. Direct messages are
`chat.say` in a two-member space (`sync.content`). Each parser returns a frozen value or refuses the op with
BAD_CONTENT; who may write what is `sync.reducers.coaching`'s business. The design is
docs/protocol.md, section 8b.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import fields as f
from sync.blind_token import MODULUS_LEN, public_ok
from sync.errors import Reason, Rejected
from sync.ids import KEY_LEN, DeviceId, OpId

MAX_SENTENCE = 1_000
MAX_QUESTIONS = 30
MAX_OPTIONS = 20
MAX_BOXES = 16
MAX_NEXT = 10
MAX_ADMITTED = 500  # grants in one survey.admit (each ≈ 290 bytes encoded; an op holds 256 KiB)
KEY_NONCE_LEN = 16
QUESTION_KINDS = ("choice", "scale", "text")
OFFER_PURPOSES = ("pair", "direct")


@dataclass(frozen=True, slots=True)
class Profile:
    """coach.profile: what this member can help with and wants to work on."""

    can_help: tuple[str, ...]
    can_help_text: str
    wants: tuple[str, ...]
    wants_text: str


@dataclass(frozen=True, slots=True)
class Offer:
    """coach.offer: an invite to a new pair or direct-message space, sealed to each of the
    invitee person's devices (`boxes`: (device, sealed invite code))."""

    to: DeviceId
    purpose: str
    boxes: tuple[tuple[DeviceId, bytes], ...]


@dataclass(frozen=True, slots=True)
class OfferRef:
    """coach.decline: the invitee says no to an offer."""

    offer: OpId


@dataclass(frozen=True, slots=True)
class Suggestion:
    """coach.suggest: a teacher suggests that two persons pair up; it forms nothing."""

    first: DeviceId
    second: DeviceId
    text: str


@dataclass(frozen=True, slots=True)
class PairEnd:
    """pair.end: a participant ends the pair."""

    text: str


@dataclass(frozen=True, slots=True)
class PairAccept:
    """pair.accept: the invitee's own consent to the pair."""


@dataclass(frozen=True, slots=True)
class CycleOpen:
    observed: DeviceId
    title: str


@dataclass(frozen=True, slots=True)
class Goal:
    """cycle.goal: a goal of a cycle and what success looks like."""

    cycle: OpId
    goal: str
    success: str


@dataclass(frozen=True, slots=True)
class GoalEdit:
    goal_id: OpId
    goal: str
    success: str


@dataclass(frozen=True, slots=True)
class Agree:
    """cycle.agree: agreement to a goal as of `version` (the goal op or an edit op)."""

    goal_id: OpId
    version: OpId


@dataclass(frozen=True, slots=True)
class Observation:
    """cycle.observe: descriptive, not a grade — focus, evidence, questions."""

    cycle: OpId
    focus: str
    evidence: str
    questions: str


@dataclass(frozen=True, slots=True)
class Feedback:
    parent: OpId
    text: str


@dataclass(frozen=True, slots=True)
class Reflection:
    cycle: OpId
    text: str


@dataclass(frozen=True, slots=True)
class CycleClose:
    cycle: OpId
    met: tuple[OpId, ...]
    next: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    kind: str
    prompt: str
    options: tuple[Any, ...]  # labels (choice), (low, high) (scale), () (text)


@dataclass(frozen=True, slots=True)
class SurveyOpen:
    title: str
    anonymous: bool
    questions: tuple[Question, ...]
    token_key: bytes = b""  # an anonymous survey's blind-signing public key (`sync.blind_token`)
    key_nonce: bytes = b""  # public input of its derivation from the owner device's seed


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    survey: OpId
    answers: tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    """survey.respond: answers signed by a pseudonym, with the owner's unblinded signature
    of that pseudonym under the key of op `key` (the survey's open op or a rekey)."""

    survey: OpId
    answers: tuple[int | str, ...]
    key: OpId
    token: bytes


@dataclass(frozen=True, slots=True)
class SurveyRef:
    survey: OpId


@dataclass(frozen=True, slots=True)
class SurveyRekey:
    """survey.rekey: the owner device's new blind-signing key (after a member left)."""

    survey: OpId
    token_key: bytes
    key_nonce: bytes


@dataclass(frozen=True, slots=True)
class SurveyEnrol:
    """survey.enrol: a member asks to take part, sending its pseudonym *blinded* under the
    key of op `key`; the owner cannot tell which pseudonym it is (`sync.blind_token`)."""

    survey: OpId
    key: OpId
    blinded: bytes


@dataclass(frozen=True, slots=True)
class SurveyAdmit:
    """survey.admit: the owner device's blind signature of each admitted enrolment's value,
    as (enrol op id, signature) sorted by op id."""

    survey: OpId
    grants: tuple[tuple[OpId, bytes], ...]


def _device(fields: dict[str, Any], key: str) -> DeviceId:
    return DeviceId(f.raw(fields, key, KEY_LEN))


def _sentence(fields: dict[str, Any], key: str, *, empty_ok: bool = True) -> str:
    return f.text(fields, key, MAX_SENTENCE, empty_ok=empty_ok) if (key in fields or not empty_ok) else ""


def _long(fields: dict[str, Any], key: str, *, empty_ok: bool = True) -> str:
    return f.text(fields, key, f.MAX_TEXT, empty_ok=empty_ok) if (key in fields or not empty_ok) else ""


def _profile(fields: dict[str, Any]) -> Profile:
    return Profile(
        f.tags(fields, "can_help"),
        _sentence(fields, "can_help_text"),
        f.tags(fields, "wants"),
        _sentence(fields, "wants_text"),
    )


def _boxes(fields: dict[str, Any]) -> tuple[tuple[DeviceId, bytes], ...]:
    boxes = fields.get("boxes")
    if not isinstance(boxes, list) or not 0 < len(boxes) <= MAX_BOXES:
        raise Rejected(Reason.BAD_CONTENT, f"an offer or enrolment carries 1 to {MAX_BOXES} sealed boxes")
    sealed: list[tuple[DeviceId, bytes]] = []
    for box in boxes:
        if not (
            isinstance(box, list)
            and len(box) == 2
            and isinstance(box[0], bytes)
            and len(box[0]) == KEY_LEN
            and isinstance(box[1], bytes)
            and 0 < len(box[1]) <= 16_384
        ):
            raise Rejected(Reason.BAD_CONTENT, "a sealed box is [device, bytes]")
        sealed.append((DeviceId(box[0]), box[1]))
    return tuple(sealed)


def _offer(fields: dict[str, Any]) -> Offer:
    purpose = fields.get("purpose")
    if purpose not in OFFER_PURPOSES:
        raise Rejected(Reason.BAD_CONTENT, f"an offer's purpose is one of {list(OFFER_PURPOSES)}")
    return Offer(_device(fields, "to"), purpose, _boxes(fields))


def _suggest(fields: dict[str, Any]) -> Suggestion:
    first, second = _device(fields, "first"), _device(fields, "second")
    if first == second:
        raise Rejected(Reason.BAD_CONTENT, "a suggested pair names two different people")
    return Suggestion(first, second, _sentence(fields, "text"))


def _cycle_open(fields: dict[str, Any]) -> CycleOpen:
    return CycleOpen(_device(fields, "observed"), f.text(fields, "title", f.MAX_TITLE, empty_ok=False))


def _goal(fields: dict[str, Any]) -> Goal:
    return Goal(
        f.op_ref(fields, "cycle"),
        f.text(fields, "goal", MAX_SENTENCE, empty_ok=False),
        _sentence(fields, "success"),
    )


def _goal_edit(fields: dict[str, Any]) -> GoalEdit:
    return GoalEdit(
        f.op_ref(fields, "goal_id"),
        f.text(fields, "goal", MAX_SENTENCE, empty_ok=False),
        _sentence(fields, "success"),
    )


def _agree(fields: dict[str, Any]) -> Agree:
    return Agree(f.op_ref(fields, "goal_id"), f.op_ref(fields, "version"))


def _observe(fields: dict[str, Any]) -> Observation:
    observation = Observation(
        f.op_ref(fields, "cycle"),
        f.text(fields, "focus", MAX_SENTENCE, empty_ok=False),
        _long(fields, "evidence"),
        _long(fields, "questions"),
    )
    if not observation.evidence.strip():
        raise Rejected(Reason.BAD_CONTENT, "an observation records evidence: what you saw and heard")
    return observation


def _feedback(fields: dict[str, Any]) -> Feedback:
    return Feedback(f.op_ref(fields, "parent"), _long(fields, "text", empty_ok=False))


def _reflect(fields: dict[str, Any]) -> Reflection:
    return Reflection(f.op_ref(fields, "cycle"), _long(fields, "text", empty_ok=False))


def _close(fields: dict[str, Any]) -> CycleClose:
    met, following = fields.get("met", []), fields.get("next", [])
    if (
        not isinstance(met, list)
        or len(met) > f.MAX_TAGS
        or not all(isinstance(goal, bytes) and len(goal) == 32 for goal in met)
    ):
        raise Rejected(Reason.BAD_CONTENT, "met is a list of goal ids")
    if len(set(met)) != len(met):
        raise Rejected(Reason.BAD_CONTENT, "met names a goal twice")
    if (
        not isinstance(following, list)
        or len(following) > MAX_NEXT
        or not all(
            isinstance(text, str) and len(text.strip()) > 0 and len(text) <= MAX_SENTENCE
            for text in following
        )
    ):
        raise Rejected(Reason.BAD_CONTENT, f"next is a list of at most {MAX_NEXT} proposed goals")
    return CycleClose(f.op_ref(fields, "cycle"), tuple(OpId(goal) for goal in met), tuple(following))


def _question(value: Any) -> Question:
    if not (isinstance(value, list) and len(value) == 3 and value[0] in QUESTION_KINDS):
        raise Rejected(
            Reason.BAD_CONTENT, f"a question is [kind ({'/'.join(QUESTION_KINDS)}), prompt, options]"
        )
    kind, prompt, options = value
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > MAX_SENTENCE:
        raise Rejected(Reason.BAD_CONTENT, f"a question's prompt is 1 to {MAX_SENTENCE} characters")
    if kind == "choice":
        if not (
            isinstance(options, list)
            and 2 <= len(options) <= MAX_OPTIONS
            and all(isinstance(o, str) and o.strip() and len(o) <= f.MAX_NAME for o in options)
            and len(set(options)) == len(options)
        ):
            raise Rejected(Reason.BAD_CONTENT, f"a choice question has 2 to {MAX_OPTIONS} distinct options")
        return Question(kind, prompt, tuple(options))
    if kind == "scale":
        if not (
            isinstance(options, list)
            and len(options) == 2
            and all(type(o) is int for o in options)
            and 0 <= options[0] < options[1] <= 10
        ):
            raise Rejected(Reason.BAD_CONTENT, "a scale question has [low, high] with 0 <= low < high <= 10")
        return Question(kind, prompt, (options[0], options[1]))
    if options != []:
        raise Rejected(Reason.BAD_CONTENT, "a text question has no options")
    return Question(kind, prompt, ())


def _survey_open(fields: dict[str, Any]) -> SurveyOpen:
    anonymous, questions = fields.get("anonymous"), fields.get("questions")
    if type(anonymous) is not bool:
        raise Rejected(Reason.BAD_CONTENT, "a survey states up front whether it is anonymous")
    if not isinstance(questions, list) or not 0 < len(questions) <= MAX_QUESTIONS:
        raise Rejected(Reason.BAD_CONTENT, f"a survey has 1 to {MAX_QUESTIONS} questions")
    token_key, nonce = b"", b""
    if anonymous:
        token_key, nonce = _token_key(fields)
    elif "token_key" in fields or "key_nonce" in fields:
        raise Rejected(Reason.BAD_CONTENT, "a named survey has no key for anonymous answers")
    return SurveyOpen(
        f.text(fields, "title", f.MAX_TITLE, empty_ok=False),
        anonymous,
        tuple(_question(q) for q in questions),
        token_key,
        nonce,
    )


def _token_key(fields: dict[str, Any]) -> tuple[bytes, bytes]:
    token_key = fields.get("token_key")
    if not (isinstance(token_key, bytes) and public_ok(token_key)):
        raise Rejected(
            Reason.BAD_CONTENT, "an anonymous survey carries a 2048-bit key for its answers' tokens"
        )
    return token_key, f.raw(fields, "key_nonce", KEY_NONCE_LEN)


def _rsa_value(fields: dict[str, Any], key: str) -> bytes:
    return f.raw(fields, key, MODULUS_LEN)


def _survey_answer(fields: dict[str, Any]) -> SurveyAnswer:
    answers = fields.get("answers")
    if (
        not isinstance(answers, list)
        or not 0 < len(answers) <= MAX_QUESTIONS
        or not all(
            (type(a) is int and 0 <= a <= MAX_OPTIONS) or (isinstance(a, str) and len(a) <= f.MAX_TEXT)
            for a in answers
        )
    ):
        raise Rejected(Reason.BAD_CONTENT, "answers are one option number, scale value or text per question")
    return SurveyAnswer(f.op_ref(fields, "survey"), tuple(answers))


def fits(question: Question, answer: int | str) -> bool:
    """Whether `answer` is a possible answer to `question` (pure)."""
    if question.kind == "choice":
        return type(answer) is int and 0 <= answer < len(question.options)
    if question.kind == "scale":
        low, high = question.options
        return type(answer) is int and low <= answer <= high
    return isinstance(answer, str)


def _decline(fields: dict[str, Any]) -> OfferRef:
    return OfferRef(f.op_ref(fields, "offer"))


def _accept(fields: dict[str, Any]) -> PairAccept:
    return PairAccept()


def _end(fields: dict[str, Any]) -> PairEnd:
    return PairEnd(_sentence(fields, "text"))


def _survey_ref(fields: dict[str, Any]) -> SurveyRef:
    return SurveyRef(f.op_ref(fields, "survey"))


def _survey_enrol(fields: dict[str, Any]) -> SurveyEnrol:
    return SurveyEnrol(f.op_ref(fields, "survey"), f.op_ref(fields, "key"), _rsa_value(fields, "blinded"))


def _survey_admit(fields: dict[str, Any]) -> SurveyAdmit:
    grants = fields.get("grants")
    if not (
        isinstance(grants, list)
        and 0 < len(grants) <= MAX_ADMITTED
        and all(
            isinstance(g, list)
            and len(g) == 2
            and isinstance(g[0], bytes)
            and isinstance(g[1], bytes)
            and len(g[1]) == MODULUS_LEN
            for g in grants
        )
    ):
        raise Rejected(
            Reason.BAD_CONTENT, f"grants is a list of 1 to {MAX_ADMITTED} [enrol op id, signature] pairs"
        )
    refs = [f.op_ref({"ref": g[0]}, "ref") for g in grants]
    if refs != sorted(set(refs)):
        raise Rejected(Reason.BAD_CONTENT, "grants are sorted by enrol op id, one each")
    return SurveyAdmit(
        f.op_ref(fields, "survey"), tuple((ref, g[1]) for ref, g in zip(refs, grants, strict=True))
    )


def _survey_rekey(fields: dict[str, Any]) -> SurveyRekey:
    return SurveyRekey(f.op_ref(fields, "survey"), *_token_key(fields))


def _survey_respond(fields: dict[str, Any]) -> SurveyResponse:
    answered = _survey_answer(fields)
    return SurveyResponse(
        answered.survey, answered.answers, f.op_ref(fields, "key"), _rsa_value(fields, "token")
    )


PARSERS = {
    "coach.profile": _profile,
    "coach.offer": _offer,
    "coach.decline": _decline,
    "coach.suggest": _suggest,
    "pair.accept": _accept,
    "pair.end": _end,
    "cycle.open": _cycle_open,
    "cycle.goal": _goal,
    "cycle.goal.edit": _goal_edit,
    "cycle.agree": _agree,
    "cycle.observe": _observe,
    "cycle.feedback": _feedback,
    "cycle.reflect": _reflect,
    "cycle.close": _close,
    "survey.open": _survey_open,
    "survey.answer": _survey_answer,
    "survey.close": _survey_ref,
    "survey.enrol": _survey_enrol,
    "survey.admit": _survey_admit,
    "survey.rekey": _survey_rekey,
    "survey.respond": _survey_respond,
}

#: How a refusal of each coaching kind reads for the person writing it (`sync.explain`).
REFUSALS = {
    ("coach.suggest", Reason.NOT_PERMITTED): "only teachers can suggest pairs",
    ("coach.decline", Reason.NOT_PERMITTED): "only the person an offer was made to can decline it",
    ("coach.offer", Reason.NOT_PERMITTED): "you cannot make an offer to yourself",
    ("pair.accept", Reason.NOT_PERMITTED): (
        "only the invited person can accept a pair, once, and not after it has ended"
    ),
    ("pair.end", Reason.NOT_PERMITTED): "only someone in this pair can end it, and only once it is formed",
    ("cycle.open", Reason.NOT_PERMITTED): (
        "the pair is not formed (the invited person has not accepted), has ended, or you are not in it"
    ),
    ("cycle.open", Reason.BAD_CONTENT): "the observed person must be one of the pair",
    ("cycle.observe", Reason.NOT_PERMITTED): (
        "the observer records what they saw of the other person: you are the one observed in this cycle,"
        " the cycle is closed, or the pair is not formed or has ended"
    ),
    ("cycle.close", Reason.BAD_CONTENT): "the goals met must be goals of this cycle",
    ("survey.answer", Reason.NOT_PERMITTED): "this survey is closed, or you have already answered it",
    (
        "survey.answer",
        Reason.BAD_CONTENT,
    ): "each answer must fit its question (an option, a value on the scale, or text)",
    ("survey.close", Reason.NOT_PERMITTED): "only the survey's author or a teacher can close it",
    ("survey.enrol", Reason.NOT_PERMITTED): (
        "this survey is closed or named (answer it with survey answer), or you have already joined"
    ),
    ("survey.admit", Reason.NOT_PERMITTED): (
        "only the survey's owner device admits, one key per person who asked and is still a member"
    ),
    ("survey.admit", Reason.BAD_CONTENT): "each admission must be the owner key's signature of a join",
    ("survey.rekey", Reason.NOT_PERMITTED): "only the survey's owner device renews its key, while it is open",
    ("survey.respond", Reason.NOT_PERMITTED): (
        "this survey is closed, or your anonymous key is not admitted (survey join, then wait for the owner)"
    ),
    (
        "survey.respond",
        Reason.BAD_CONTENT,
    ): "each answer must fit its question (an option, a value on the scale, or text)",
}
CYCLE_REFUSAL = "the cycle is closed, the pair is not formed or has ended, or you are not in this pair"
for _kind in (
    "cycle.goal",
    "cycle.goal.edit",
    "cycle.agree",
    "cycle.feedback",
    "cycle.reflect",
    "cycle.close",
):
    REFUSALS.setdefault((_kind, Reason.NOT_PERMITTED), CYCLE_REFUSAL)
