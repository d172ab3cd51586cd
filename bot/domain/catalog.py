"""The fixed answer sets of an assist record, as short codes.

Codes go into button data and the database; their wording lives in the templates
(`labels.txt.j2`), so a label can change without touching stored records.
"""

from __future__ import annotations

# Order matters: a service's position is its bit in `assists.services`. Append only.
SERVICES: tuple[str, ...] = ("v1", "v2", "vd", "ph", "ds", "sg", "sf", "ot")
OUTCOMES: tuple[str, ...] = ("done", "partly", "followup")
AGE_BANDS: tuple[str, ...] = ("u16", "16-30", "31-59", "60p")
SEXES: tuple[str, ...] = ("f", "m", "x")  # x: "không muốn nói"

# Which service a citizen's finished guide counts for (self-serve reach).
_GUIDE_SERVICE = {"vneid-level1-register": "v1", "vneid-level2-activate": "v2"}
_TOPIC_SERVICE = {
    "vneid": "vd",
    "party-handbook": "ph",
    "public-services": "ds",
    "signing": "sg",
    "safety": "sf",
}


def services_mask(codes: set[str] | list[str] | tuple[str, ...]) -> int:
    mask = 0
    for code in codes:
        mask |= 1 << SERVICES.index(code)
    return mask


def services_from_mask(mask: int) -> list[str]:
    return [code for bit, code in enumerate(SERVICES) if mask & (1 << bit)]


def service_for_guide(guide_id: str, topic: str) -> str:
    return _GUIDE_SERVICE.get(guide_id) or _TOPIC_SERVICE.get(topic, "ot")


def topic_of_service(code: str) -> str:
    """The guide topic for a service ("" for «other»)."""
    if code in ("v1", "v2"):
        return "vneid"
    return next((topic for topic, service in _TOPIC_SERVICE.items() if service == code), "")
