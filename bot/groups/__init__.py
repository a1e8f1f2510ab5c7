"""Group coaching: the coach's goal poll, shared entry points, check-ins, unanswered questions.

Platform-neutral like the rest of the core: adapters say who is the coach, GroupService
(bot.groups.service) decides; bot.groups.privacy is the engine's hook for health answers.
"""
