"""The coach's goal poll: who picked which goals, stored as one record per group."""

from __future__ import annotations

import logging
from collections import Counter

from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)


class GoalPoll(BaseModel):
    """One open poll in one group. `votes` maps a member id to their goals (several allowed);
    `names` is filled only when the coach asked to show who answered."""

    nonce: str
    show_names: bool = False
    message: str = ""  # the platform's id of the posted poll message, once known
    votes: dict[str, list[str]] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict)
    closed: bool = False

    def toggle(self, member: str, goal: str, name: str = "") -> list[str]:
        """Tick or untick one goal for a member; returns their goals now."""
        goals = self.votes.setdefault(member, [])
        goals.remove(goal) if goal in goals else goals.append(goal)
        if not goals:
            del self.votes[member]
            self.names.pop(member, None)
        elif self.show_names and name:
            self.names[member] = name
        return list(goals)

    def counts(self) -> Counter[str]:
        """Votes per goal: each member counts once per goal they ticked."""
        return Counter(goal for goals in self.votes.values() for goal in goals)

    @property
    def voters(self) -> int:
        return len(self.votes)
