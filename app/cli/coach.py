"""Command group: peer coaching — profiles, finding a coach, proposing and accepting a
pair, teacher suggestions, cycles (goals, agreement, observation, feedback, reflection,
close) and ending a pair (docs/cli.md, "Peer coaching")."""

from __future__ import annotations

import argparse

from app.cli.base import CommandLine, emit
from app.cli.network import serving_addresses
from app.services import coaching
from app.services.commands import Commands
from app.services.rows import CoachCycle, PairSummary


async def cmd_profile(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    op = await coaching.set_profile(
        commands, circle, can_help=args.can_help, can_help_text=args.can_help_text, wants=args.want,
        wants_text=args.want_text,
    )  # fmt: skip
    emit(args, {"op_id": op.hex()}, "Profile saved: your circle can find you by these tags.")


async def cmd_find(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    rows = await coaching.find(commands, circle, args.tag)
    lines = [
        f"{r.name}: can help with {', '.join(r.can_help) or '—'};"
        f" wants to work on {', '.join(r.wants) or '—'}"
        for r in rows
    ]
    emit(args, {"circle_id": circle.hex(), "profiles": [r.to_json() for r in rows]},
         "\n".join(lines) or "Nobody in this circle has a profile with that yet.")  # fmt: skip


async def cmd_propose(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    addresses = serving_addresses(args.home_path)  # where the invitee fetches the pair from
    mode = "coach-me" if args.coach_me else "reciprocal"
    pair, offer = await coaching.propose(
        commands, circle, args.member, topic=args.topic, mode=mode, addresses=addresses
    )
    emit(
        args,
        {"pair_id": pair.hex(), "offer_id": offer.hex()},
        f"Offered. The pair {pair.hex()[:12]} forms when they join and accept.",
    )


async def cmd_offers(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle) if args.circle else None
    rows = await coaching.offers_to_me(commands, circle)
    lines = [
        f"{r.id[:12]}  {r.purpose} from {r.from_name}\n  join: studycircle circle join {r.code}" for r in rows
    ]
    emit(args, {"offers": [r.to_json() for r in rows]}, "\n".join(lines) or "No offers waiting for you.")


async def cmd_decline(args: argparse.Namespace, commands: Commands) -> None:
    offer = await coaching.find_offer(commands, args.offer)
    op = await coaching.decline(commands, offer)
    emit(args, {"op_id": op.hex()}, "Declined.")


async def cmd_accept(args: argparse.Namespace, commands: Commands) -> None:
    pair = await coaching.resolve_pair(commands, args.pair)
    op = await coaching.accept(commands, pair)
    emit(args, {"pair_id": pair.hex(), "op_id": op.hex()}, "Accepted: you are a pair.")


async def cmd_suggest(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    op = await coaching.suggest(commands, circle, args.first, args.second, args.text)
    emit(args, {"suggestion_id": op.hex()}, "Suggested. Nothing happens unless both of them agree.")


async def cmd_suggestions(args: argparse.Namespace, commands: Commands) -> None:
    rows = await coaching.suggestions_to_me(commands)
    lines = [
        f"{r.by_name} suggests you pair with {r.other_name}" + (f": {r.text}" if r.text else "") for r in rows
    ]
    emit(args, {"suggestions": [r.to_json() for r in rows]}, "\n".join(lines) or "No suggestions for you.")


def _intent(row: PairSummary) -> str:
    if row.mode == "coach-me":
        return f"{row.people[0] if row.people else 'someone'} asked to be coached on “{row.topic}”"
    return "reciprocal" + (f" on “{row.topic}”" if row.topic else "") if row.mode else row.topic


async def cmd_pairs(args: argparse.Namespace, commands: Commands) -> None:
    rows = await coaching.pairs(commands)
    lines = [
        f"{r.pair[:12]}  {' & '.join(r.people)}"
        f"  {_intent(r)}"
        f"  {'ended' if r.ended else 'formed' if r.formed else 'waiting'}"
        f"  cycles {r.closed_cycles}/{r.cycles} closed"
        for r in rows
    ]
    emit(args, {"pairs": [r.to_json() for r in rows]}, "\n".join(lines) or "No coaching pairs yet.")


async def cmd_cycle(args: argparse.Namespace, commands: Commands) -> None:
    pair = await coaching.resolve_pair(commands, args.pair)
    op = await coaching.open_cycle(commands, pair, args.observed, args.title)
    emit(args, {"cycle_id": op.hex()}, op.hex())


async def cmd_goal(args: argparse.Namespace, commands: Commands) -> None:
    cycle = await coaching.find_in_pair(commands, args.cycle, "cycle")
    op = await coaching.add_goal(commands, cycle, args.goal, args.success)
    emit(args, {"goal_id": op.hex()}, op.hex())


async def cmd_goal_edit(args: argparse.Namespace, commands: Commands) -> None:
    goal = await coaching.find_in_pair(commands, args.goal_id, "goal")
    op = await coaching.edit_goal(commands, goal, args.goal, args.success)
    emit(args, {"op_id": op.hex()}, "Goal changed: both agree to it again.")


async def cmd_agree(args: argparse.Namespace, commands: Commands) -> None:
    goal = await coaching.find_in_pair(commands, args.goal_id, "goal")
    op = await coaching.agree(commands, goal)
    emit(args, {"op_id": op.hex()}, "Agreed.")


async def cmd_observe(args: argparse.Namespace, commands: Commands) -> None:
    cycle = await coaching.find_in_pair(commands, args.cycle, "cycle")
    op = await coaching.observe(commands, cycle, args.focus, args.evidence, args.questions)
    emit(args, {"observation_id": op.hex()}, op.hex())


async def cmd_feedback(args: argparse.Namespace, commands: Commands) -> None:
    parent = await coaching.find_in_pair(commands, args.parent, "feedback-parent")
    op = await coaching.feedback(commands, parent, args.body)
    emit(args, {"feedback_id": op.hex()}, op.hex())


async def cmd_reflect(args: argparse.Namespace, commands: Commands) -> None:
    cycle = await coaching.find_in_pair(commands, args.cycle, "cycle")
    op = await coaching.reflect(commands, cycle, args.body)
    emit(args, {"reflection_id": op.hex()}, op.hex())


async def cmd_close(args: argparse.Namespace, commands: Commands) -> None:
    cycle = await coaching.find_in_pair(commands, args.cycle, "cycle")
    op = await coaching.close_cycle(commands, cycle, args.met, args.next)
    emit(args, {"op_id": op.hex()}, "Cycle closed." + (" Next goals proposed." if args.next else ""))


async def cmd_end(args: argparse.Namespace, commands: Commands) -> None:
    pair = await coaching.resolve_pair(commands, args.pair)
    op = await coaching.end(commands, pair, args.text)
    emit(args, {"op_id": op.hex()}, "The pair has ended. You both keep its history.")


async def cmd_share(args: argparse.Namespace, commands: Commands) -> None:
    item = await coaching.find_in_pair(commands, args.item, "shareable")
    circle = await commands.resolve_circle(args.circle) if args.circle else None
    target, op = await coaching.share(commands, item, circle)
    emit(args, {"circle_id": target.hex(), "thread_id": op.hex()},
         f"Shared as a thread {op.hex()[:12]}: everyone in the circle, its teachers too,"
         " can read it.")  # fmt: skip


def _cycle_text(cycle: CoachCycle) -> str:
    lines = [
        f"{cycle.id[:12]}  {cycle.title} (observing {cycle.observed}){'  [closed]' if cycle.closed else ''}"
    ]
    for goal in cycle.goals:
        lines.append(f"  goal {goal.id[:12]}: {goal.goal} — success: {goal.success or '—'}"
                     f" [{'agreed' if goal.agreed else 'not agreed yet'}]")  # fmt: skip
    for obs in cycle.observations:
        lines.append(
            f"  observation {obs.id[:12]} by {obs.observer}: focus {obs.focus}; evidence {obs.evidence}"
        )
        lines += [f"    {f.author_name}: {f.text}" for f in obs.feedback]
    for reflection in cycle.reflection_threads:
        lines.append(f"  reflection {reflection.id[:12]} ({reflection.author_name}): {reflection.text}")
        lines += [f"    {f.author_name}: {f.text}" for f in reflection.feedback]
    lines += [f"  next: {text}" for text in cycle.next]
    return "\n".join(lines)


async def cmd_show(args: argparse.Namespace, commands: Commands) -> None:
    pair = await coaching.resolve_pair(commands, args.pair)
    rows = await coaching.show(commands, pair)
    summary = await coaching.pair_summary(commands, pair)
    ended = ""
    if summary is not None and summary.ended:
        ended = f"Ended by {summary.ended_by or 'a member'} on {summary.ended_at[:10]}" + (
            f": “{summary.end_text}”" if summary.end_text else "."
        )
    text = "\n\n".join(_cycle_text(r) for r in rows) or "No cycles yet: `coach cycle` opens one."
    emit(args, {"pair_id": pair.hex(), "cycles": [r.to_json() for r in rows],
                **({"ended": summary.to_json()} if summary and summary.ended else {})},
         f"{ended}\n\n{text}" if ended else text)  # fmt: skip


def register(cli: CommandLine) -> None:
    cli.group(
        "coach", help="peer coaching: find a coach, pair up, run cycles of goals, observation, feedback"
    )
    profile = cli.command("coach profile", cmd_profile, help="say what you can help with and want to work on")
    profile.add_argument("circle")
    profile.add_argument("--can-help", action="append", default=[], metavar="TAG")
    profile.add_argument("--can-help-text", default="")
    profile.add_argument("--want", action="append", default=[], metavar="TAG")
    profile.add_argument("--want-text", default="")
    find = cli.command("coach find", cmd_find, help="members of a circle by what they help with or want")
    find.add_argument("circle")
    find.add_argument("--tag")
    propose = cli.command("coach propose", cmd_propose, help="propose a (reciprocal) pair to a member")
    propose.add_argument("circle")
    propose.add_argument("member")
    propose.add_argument("--topic", default="", help="what it is about (needed with --coach-me)")
    propose.add_argument(
        "--coach-me", action="store_true", help="ask them to coach you on --topic (default: coach each other)"
    )
    offers = cli.command("coach offers", cmd_offers, help="pairs and conversations offered to you")
    offers.add_argument("circle", nargs="?")
    cli.command("coach decline", cmd_decline, help="say no to an offer").add_argument("offer")
    accept = cli.command("coach accept", cmd_accept, help="accept a pair you have joined (circle join CODE)")
    accept.add_argument("pair")
    suggest = cli.command("coach suggest", cmd_suggest, help="(teachers) suggest that two members pair up")
    suggest.add_argument("circle")
    suggest.add_argument("first")
    suggest.add_argument("second")
    suggest.add_argument("--text", default="")
    cli.command("coach pairs", cmd_pairs, help="your coaching pairs")
    cli.command(
        "coach suggestions", cmd_suggestions, help="teachers' suggestions that you pair with someone"
    )
    cycle = cli.command("coach cycle", cmd_cycle, help="open a cycle in a pair")
    cycle.add_argument("pair")
    cycle.add_argument("--observed", required=True, metavar="MEMBER", help="who is observed this cycle")
    cycle.add_argument("--title", required=True)
    goal = cli.command("coach goal", cmd_goal, help="add a goal to a cycle")
    goal.add_argument("cycle")
    goal.add_argument("--goal", required=True)
    goal.add_argument("--success", default="", help="what success looks like")
    edit = cli.command("coach goal-edit", cmd_goal_edit, help="change a goal (both agree again)")
    edit.add_argument("goal_id", metavar="goal")
    edit.add_argument("--goal", required=True)
    edit.add_argument("--success", default="")
    cli.command("coach agree", cmd_agree, help="agree to a goal as it reads now").add_argument(
        "goal_id", metavar="goal"
    )
    observe = cli.command("coach observe", cmd_observe, help=coaching.OBSERVATION_PROMPT)
    observe.add_argument("cycle")
    observe.add_argument("--focus", required=True)
    observe.add_argument("--evidence", required=True)
    observe.add_argument("--questions", default="")
    feedback = cli.command(
        "coach feedback", cmd_feedback, help="reply to an observation, a reflection or feedback"
    )
    feedback.add_argument("parent")
    feedback.add_argument("--body", required=True)
    reflect = cli.command("coach reflect", cmd_reflect, help="your reflection on a cycle")
    reflect.add_argument("cycle")
    reflect.add_argument("--body", required=True)
    close = cli.command("coach close", cmd_close, help="close a cycle: the goals met and the next ones")
    close.add_argument("cycle")
    close.add_argument("--met", action="append", default=[], metavar="GOAL")
    close.add_argument("--next", action="append", default=[], metavar="TEXT")
    show = cli.command("coach show", cmd_show, help="a pair's cycles, goals, observations and feedback")
    show.add_argument("pair")
    end = cli.command("coach end", cmd_end, help="end a pair (you both keep its history)")
    end.add_argument("pair")
    end.add_argument("--text", default="")
    share = cli.command(
        "coach share",
        cmd_share,
        help="copy your own goal, observation, reflection or feedback into the pair's circle as a thread"
        " (everyone there can read it)",
    )
    share.add_argument("item")
    share.add_argument("--circle", help="another circle of yours (default: the pair's own)")
