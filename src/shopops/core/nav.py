"""The side navigation. Each app registers its pages; a person sees those they may open."""

from dataclasses import dataclass

from django.urls import reverse

from .access import LOGIN, PUBLIC, user_can


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    requirement: str = LOGIN
    order: int = 100


NAV: list[NavItem] = []


def nav_item(section, label, url_name, requirement=LOGIN, order=100):
    NAV.append(NavItem(section, label, url_name, requirement, order))


def nav_for(user):
    sections: dict[str, list[dict]] = {}
    for item in sorted(NAV, key=lambda i: i.order):
        if item.requirement not in (LOGIN, PUBLIC) and not user_can(user, item.requirement):
            continue
        sections.setdefault(item.section, []).append(
            {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        )
    return sections
