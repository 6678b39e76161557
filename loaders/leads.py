"""Who leads an action, and how that was read: stated, implied or plan.

Nothing is invented; what the text says is recorded with how it was read:

* stated: the text names the lead ("Led by DOC…", "the NDL should…", a list headed "Key
  Commission actions");
* implied: no lead phrase, and the text names exactly one body that could carry the action out
  ("Promulgate the OMB regulations…" -> OMB; "…DOD's workforce requires" -> DOD). A body and the
  parent that only locates it ("CAISI at DOC") count as one;
* plan: the text names no body at all, so the lead is the plan's own government, as the manifest
  names it (`plan_lead`, with `plan_lead_words` saying why: China's points address "all parties").

`owner_source` keeps the words for stated leads and says which rule for the others.
"""

from __future__ import annotations

from .common import Action, LoaderError
from .owners import OwnerRegistry

BASES = ("stated", "implied", "plan")

# The implied rule's results, reviewed per plan: where the one body named is only the object of the
# action, not who can carry it out, the rule does not apply (tests list every implied lead).
NOT_IMPLIED = {
    "US-12-01": "the CAIOC is what is formalized, not who formalizes it",
    "US-12-02": "OPM only gives input to the talent exchange",
    "EU-C-02": "the Digital Innovation Hubs are what the AI Factories connect to",
}


def _one_body(registry: OwnerRegistry, action: Action, jurisdiction: str):
    """The single body an action's text names (a child with its locating parent counts once), or None."""
    mentions = registry.mentions(action.text, jurisdiction)
    ids = {m.owner_id for m in mentions}
    # Drop any body that is an ancestor of another one named: "NIST … DOC" names NIST.
    ids = {i for i in ids if not any(i in registry.ancestors(j) for j in ids if j != i)}
    if len(ids) != 1:
        return None
    oid = ids.pop()
    words = next(action.text[m.start:m.end] for m in mentions if m.owner_id == oid)
    return oid, words


def settle_leads(actions: list[Action], plan: dict, registry: OwnerRegistry, manifest_path) -> None:
    """Give every action of a plan its lead and the basis of it (in place)."""
    plan_lead = plan.get("plan_lead")
    if plan_lead and plan_lead not in registry.owners:
        raise LoaderError(manifest_path, f"plan {plan['plan_id']}: plan_lead is not in data/owners.csv",
                          column="plan_lead", value=plan_lead)
    for a in actions:
        if a.lead_owner_id:
            a.lead_basis = a.lead_basis or "stated"
            continue
        one = None if a.action_id in NOT_IMPLIED else _one_body(registry, a, plan["jurisdiction"])
        if one:
            a.lead_owner_id, words = one
            a.other_owner_ids = [o for o in a.other_owner_ids if o != a.lead_owner_id]
            a.lead_basis = "implied"
            a.owner_source = f"implied: the only body the text names ({words})"
        elif plan_lead:
            a.lead_owner_id, a.lead_basis = plan_lead, "plan"
            a.owner_source = f"plan: {plan.get('plan_lead_words') or 'the text names no body; the plan is this government’s'}"
