"""What a player sees of a run now: the scene, what their roles know, their decision forms, what they chose,
and what was decided in the scene just left."""

from drillhub.exercises import record
from drillhub.exercises.service import plays_in_decision
from drillhub.scenarios import engine


def last_scene(played, titles: dict[str, str]) -> dict | None:
    """What was decided in the scene just left, by whom and how, by label."""
    compiled = played.compiled
    decided = [d for d in record.as_read(record.decisions(played.events), played.run.mode == "self_paced")
               if d.step == played.step - 1]
    if not decided:
        return None
    node = compiled.nodes[decided[0].node]
    labels = {choice.id: choice.label for choice in node.decision.choices}
    team = node.decision.mode == "team"
    timed_out = any(m.timed_out and m.step == played.step - 1 for m in record.timeline(played.events))
    return {"scene": node.title, "timed_out": timed_out, "lines": [
        {"who": "The team chose" if d.team else titles[d.role] + (" voted for" if team else " chose"),
         "choice": labels[d.choice], "made_by": record.MADE_BY[d.by]} for d in decided]}


def timed_out(played, mine: list[str], titles: dict[str, str]) -> list[dict]:
    """The decisions of this person's roles that the time-out made in the scene just left."""
    compiled, notices = played.compiled, []
    for d in record.decisions(played.events):
        if d.by != record.BY_TIMEOUT or d.step != played.step - 1:
            continue
        deciders = engine.deciding_roles(compiled.nodes[d.node].decision, compiled.role_ids)
        if (d.team and set(mine) & set(deciders)) or d.role in mine:
            choice = next(c for c in compiled.nodes[d.node].decision.choices if c.id == d.choice)
            notices.append({"scene": compiled.nodes[d.node].title, "choice": choice.label, "rationale": d.rationale,
                            "whose": "the team" if d.team else titles[d.role]})
    return notices


def scene(played, person_id: int) -> dict:
    """What this person sees now: the scene, what their roles know, a form for each decision of theirs,
    what they have chosen here and what the scene waits for."""
    compiled, state = played.compiled, played.state
    mine = played.roles_of.get(person_id, [])
    titles = {role.id: role.title for role in compiled.scenario.roles}
    node = played.node
    decision = node.decision if node else None
    labels = {choice.id: choice.label for choice in decision.choices} if decision else {}
    forms = []
    if decision is not None:
        deciders = engine.deciding_roles(decision, compiled.role_ids)
        if decision.mode == "team":
            if state.confirmed is None and set(mine) & set(deciders):
                role = next(r for r in deciders if r in mine)
                voted = role in state.choices
                forms.append({"role": role, "title": "the team", "vote": True, "voted": voted,
                              "choices": engine.available_choices(compiled, state, role)})
        else:
            for role in engine.waiting_on(compiled, state):
                if role in mine:
                    forms.append({"role": role, "title": titles[role], "vote": False, "voted": False,
                                  "choices": engine.available_choices(compiled, state, role)})
    self_paced = played.run.mode == "self_paced"
    injects = [inject for inject in engine.self_paced_injects(compiled, state)
               if "all" in inject.to or set(inject.to) & set(mine)] if self_paced else []
    lead_confirms = bool(decision and decision.mode == "team" and decision.lead in mine and state.confirmed is None
                         and not self_paced)
    return {
        "played": played, "node": node, "forms": forms, "injects": injects, "lead_confirms": lead_confirms,
        "timed_out": timed_out(played, mine, titles), "last_scene": last_scene(played, titles),
        "chosen": [{"role": titles[role], "choice": labels[state.choices[role]], "vote": decision.mode == "team"}
                   for role in mine if decision and role in state.choices],
        "can_continue": self_paced and node is not None and not state.ended and not plays_in_decision(played, person_id),
        "role_info": [(titles[role], node.role_info[role]) for role in mine if node and role in node.role_info]
        + [(titles[role], text.text) for text in engine.texts_that_hold(compiled, state) for role in mine
           if role in text.to],
        "story": [text.text for text in engine.texts_that_hold(compiled, state) if "all" in text.to],
        "briefings": [(role.title, role.briefing) for role in compiled.scenario.roles if role.id in mine],
        "my_roles": [titles[role] for role in mine], "ending": compiled.endings.get(state.node),
    }
